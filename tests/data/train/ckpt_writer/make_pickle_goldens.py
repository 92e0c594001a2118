"""Python's own protocol-2 pickles (what torch.save writes) of a few values, for the byte-exact
tests of src/latent/checkpoint/pickle_writer (test_checkpoint_writer.cpp builds the same values).
usage: python3 make_pickle_goldens.py   (any Python 3; writes pickle_*.pkl beside this script)"""
import collections, os, pickle

HERE = os.path.dirname(os.path.abspath(__file__))
shared = [1]
od = collections.OrderedDict([('w', 1), ('v', 2.5)])
od._metadata = collections.OrderedDict([('', {'version': 1}), ('a', {'version': 1})])
values = {
    'scalars': {'a': 1, 'b': [1, 2.5, None, True, False], 'c': (1, 2), 'd': (), 'e': 'h\u00e9llo \u2603',
                'n': -5, 'big': 2**40, 'neg': -2**40, 'top': 2**63 - 1, 'i32': 70000, 'm': -70000,
                'f': float('inf'), 'x': (1, 2, 3, 4), 'y': [], 'z': {}, 'i2': 65535, '': ''},
    'shared': [shared, shared, 'k'],
    'ordered': od,
    'bytes': [b'\x00\xffab', b'z'],
    'set': {3},
    'batches': [list(range(1001)), {i: i for i in range(1001)}],
}
for name, v in values.items():
    with open(os.path.join(HERE, f'pickle_{name}.pkl'), 'wb') as f:
        f.write(pickle.dumps(v, protocol=2))
