"""A checkpoint's object tree as plain JSON data, so that two checkpoints can be compared for
structure (keys, their order, Python types, nesting, tensor dtypes and shapes) and for every
non-tensor value. Tensors become ["tensor", dtype, shape]; floats keep their repr (inf, exact).
Shared by tests/data/train/ckpt_writer/make_reference.py and tests/latent/check_lightning_load.py."""
import collections


def encode(v):
    if hasattr(v, 'dtype') and hasattr(v, 'shape') and hasattr(v, 'storage'):
        return ['tensor', str(v.dtype), list(v.shape)]
    if isinstance(v, collections.OrderedDict):
        meta = getattr(v, '_metadata', None)
        return ['OrderedDict', [[encode(k), encode(x)] for k, x in v.items()],
                None if meta is None else encode(meta)]
    if isinstance(v, dict):
        return ['dict', [[encode(k), encode(x)] for k, x in v.items()]]
    if isinstance(v, (list, tuple)):
        return [type(v).__name__, [encode(x) for x in v]]
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', v]
    if isinstance(v, float):
        return ['float', repr(v)]
    if isinstance(v, str):
        return ['str', v]
    if v is None:
        return ['None']
    raise TypeError(f'unexpected {type(v).__name__} in a checkpoint')


def first_difference(a, b, path='root'):
    """Where two encoded trees first differ (None when equal), for a readable failure."""
    if type(a) is not type(b):
        return f'{path}: {a!r:.200} != {b!r:.200}'
    if isinstance(a, list):
        if len(a) != len(b):
            return f'{path}: {len(a)} != {len(b)} items ({a!r:.300} vs {b!r:.300})'
        for i, (x, y) in enumerate(zip(a, b)):
            label = path
            if isinstance(x, list) and len(x) == 2 and isinstance(x[0], list) and x[0][:1] in (['str'], ['int']):
                label = f'{path}[{x[0][1]!r}]'
            elif i:
                label = f'{path}.{i}'
            d = first_difference(x, y, label)
            if d:
                return d
        return None
    return None if a == b else f'{path}: {a!r:.200} != {b!r:.200}'
