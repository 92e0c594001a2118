#!/usr/bin/python3
"""Converts the VAE parity fixtures into files the latent tests read without HDF5 or PyTorch.

usage: /usr/bin/python3 scripts/convert_golden_vae.py [tests/data/vae]

Writes under <vae>/golden/:
  <model>/case<k>_<name>.npy   every dataset of golden_vae.h5 (x, mu, logvar, z_seed1234,
                               decoded_from_mu; float32), and case<k>_L.txt (the map length);
                               decoded_from_mu only for maps up to MAX_DECODED_FRAMES frames
  <model>_manifest.txt         what vae_<model>.ckpt holds, read here with Python's own zipfile
                               and pickle modules (no torch): every state_dict tensor with dtype,
                               shape, stride, offset and the float64 sum of its values, and the
                               hyper-parameters, including those inside the dataclass objects
  pickles/proto<p>.pkl         one object pickled with protocols 0-4 (Python's pickle), for the
                               unpickler tests; the object is `sample_object()` below

Needs h5py and numpy (Debian: python3-h5py, python3-numpy). Deterministic: rerunning gives the
same files.
"""
import collections
import dataclasses
import pickle
import sys
import types
import zipfile
from pathlib import Path

import h5py
import numpy as np

STORAGE_DTYPES = {
    'DoubleStorage': np.float64, 'FloatStorage': np.float32, 'HalfStorage': np.float16,
    'LongStorage': np.int64, 'IntStorage': np.int32, 'ShortStorage': np.int16,
    'CharStorage': np.int8, 'ByteStorage': np.uint8, 'BoolStorage': np.bool_,
}


MAX_DECODED_FRAMES = 10000


class Opaque:
    """Stands for any class of the checkpoint (dataclasses, Lightning objects)."""

    def __setstate__(self, state):
        self.state = state


def read_checkpoint(path):
    zf = zipfile.ZipFile(path)
    archive = next(n.split('/')[0] for n in zf.namelist() if n.endswith('/data.pkl'))

    def rebuild_tensor(storage, offset, size, stride, *rest):
        return np.lib.stride_tricks.as_strided(
            storage[offset:], shape=tuple(size), strides=tuple(s * storage.itemsize for s in stride))

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ('torch._utils', '_rebuild_tensor_v2'):
                return rebuild_tensor
            if module == 'torch' and name in STORAGE_DTYPES:
                return STORAGE_DTYPES[name]
            if (module, name) == ('collections', 'OrderedDict'):
                return collections.OrderedDict
            return type(name, (Opaque,), {'__module__': module, 'qualified': f'{module}.{name}'})

        def persistent_load(self, pid):
            _, dtype, key, _location, numel = pid
            data = np.frombuffer(zf.read(f'{archive}/data/{key}'), dtype=dtype)
            assert data.size == numel
            return data

    root = Unpickler(zf.open(f'{archive}/data.pkl')).load()
    version = zf.read(f'{archive}/version').decode().strip()
    return archive, version, root


def fields(obj):
    return obj.state if isinstance(obj, Opaque) else obj


def write_manifest(ckpt, out):
    archive, version, root = read_checkpoint(ckpt)
    lines = [f'archive {archive}', f'version {version}']
    for key, t in root['state_dict'].items():
        base = t
        while base.base is not None and not isinstance(base.base, bytes):
            base = base.base
        offset = (t.__array_interface__['data'][0] - base.__array_interface__['data'][0]) // t.itemsize
        stride = ','.join(str(s // t.itemsize) for s in t.strides)
        shape = ','.join(str(s) for s in t.shape)
        total = float(np.asarray(t, dtype=np.float64).sum())
        lines.append(f'tensor {key} {t.dtype} {shape or "-"} {stride or "-"} {offset} {total!r}')
    hp = root['hyper_parameters']
    ae = hp['ae_args']
    layer = fields(ae)['layer_args']
    lines += [
        f'hparam h_dim {hp["h_dim"]}',
        f'hparam emb_dim {hp["emb_dim"]}',
        f'hparam ae_args.strides {",".join(str(s) for s in fields(ae)["strides"])}',
        f'hparam ae_args.expand {fields(ae)["expand"]}',
        f'hparam ae_args.layer_args.num_stacks {fields(layer)["num_stacks"]}',
        f'hparam ae_args.layer_args.stack_depth {fields(layer)["stack_depth"]}',
        f'hparam ae_args.layer_args.expand {fields(layer)["expand"]}',
        f'class ae_args {type(ae).qualified}',
        f'class ae_args.layer_args {type(layer).qualified}',
        f'toplevel {",".join(root.keys())}',
    ]
    out.write_text('\n'.join(lines) + '\n')


# A module of its own, so that pickle can name the dataclass.
fixture_module = types.ModuleType('cartography_fixture')
sys.modules['cartography_fixture'] = fixture_module


@dataclasses.dataclass
class FixtureArgs:
    strides: list
    depth: int
    name: str = 'tiny'


FixtureArgs.__module__ = 'cartography_fixture'
fixture_module.FixtureArgs = FixtureArgs


def sample_object():
    shared = [1, 2]
    return {
        'small': 7, 'negative': -123456, 'big': 2**40 + 3, 'very_negative': -(2**62),
        'float': 0.1, 'text': 'h\u00e9llo \u2713', 'raw': b'\x00\x01\xff',
        'nested': [1, [2, 3], ()], 'one': (1,), 'two': (1, 2), 'three': (1, 2, 3),
        'four': (1, 2, 3, 4), 'none': None, 'flags': [True, False],
        'shared': [shared, shared], 'set': {5}, 'ordered': collections.OrderedDict([('b', 1), ('a', 2)]),
        'args': FixtureArgs([2, 3, 3], 4),
    }


def main():
    vae = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / 'tests/data/vae')
    golden = vae / 'golden'
    with h5py.File(vae / 'golden_vae.h5', 'r') as h5:
        for model in h5:
            (golden / model).mkdir(parents=True, exist_ok=True)
            for case in h5[model]:
                g = h5[model][case]
                for name, ds in g.items():
                    if name == 'decoded_from_mu' and int(g.attrs['L']) > MAX_DECODED_FRAMES:
                        continue  # 5 MB of decoder output; the shorter cases cover the decoder
                    np.save(golden / model / f'{case}_{name}.npy', np.ascontiguousarray(ds[()], dtype=np.float32))
                (golden / model / f'{case}_L.txt').write_text(f'{int(g.attrs["L"])}\n')
    for model in ('tiny', 'small'):
        write_manifest(vae / f'vae_{model}.ckpt', golden / f'{model}_manifest.txt')
    (golden / 'pickles').mkdir(parents=True, exist_ok=True)
    for protocol in range(5):
        (golden / 'pickles' / f'proto{protocol}.pkl').write_bytes(pickle.dumps(sample_object(), protocol=protocol))
    print(f'wrote {golden}')


if __name__ == '__main__':
    main()
