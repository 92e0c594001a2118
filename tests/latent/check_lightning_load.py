"""The checkpoint writer's external test: a file written by write_tiny_checkpoint must be, for
PyTorch and PyTorch Lightning, the checkpoint Lightning 2.5.2 would have written.
usage: check_lightning_load.py CKPT LAYOUT REFERENCE_JSON [--torch-only]
 1. torch.load: the whole object tree equals the fixture's (tiny_reference.json: keys and their
    order, Python types, every non-tensor value, tensor dtypes and shapes), and every tensor holds
    its pattern values (tiny_checkpoint.hpp's formula, recomputed here).
 2. (not with --torch-only; needs the reference's training stack on PYTHONPATH)
    osu_dreamer's Model.load_from_checkpoint: every weight equals what was written; the model's own
    configure_optimizers() optimizers and LambdaLR schedulers load_state_dict the saved states.
--torch-only runs step 1 alone (any torch >= 1.6, e.g. Debian's 1.13: the CI-side check).
Exit 0 when all holds, 1 with the first difference otherwise."""
import json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ckpt_tree

M64 = (1 << 64) - 1


def pattern(seed, n):
    with np.errstate(over='ignore'):
        z = (np.uint64(seed) << np.uint64(32)) | np.arange(n, dtype=np.uint64)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.float64) / 8388608.0 - 1.0).astype(np.float32)


def expect_pattern(what, tensor, seed, absolute=False):
    want = pattern(seed, tensor.numel()).reshape(tuple(tensor.shape))
    if absolute:
        want = np.abs(want)
    got = tensor.detach().cpu().numpy()
    if got.dtype != np.float32 or not np.array_equal(got.view(np.uint32), want.view(np.uint32)):
        fail(f'{what}: values differ from the pattern (seed {seed})')


def fail(msg):
    print('FAIL:', msg)
    sys.exit(1)


def read_layout(path):
    params = {}  # (optimizer, index) -> (name, step)
    for line in open(path):
        part = line.split()
        if part and part[0] == 'param':
            params[(int(part[1]), int(part[2]))] = (part[3], part[4])
    return params


def state_seed(o, i):
    return 1000000 * (o + 1) + 4 * i


def check_tree(ck, reference, params):
    diff = ckpt_tree.first_difference(ckpt_tree.encode(ck), reference['tree'])
    if diff:
        fail('structure differs from the Lightning fixture at ' + diff)
    for j, (name, t) in enumerate(ck['state_dict'].items()):
        expect_pattern(f'state_dict[{name}]', t, j + 1)
    for o, opt in enumerate(ck['optimizer_states']):
        for i, st in opt['state'].items():
            if not st:
                if params[(o, i)][1] != 'empty':
                    fail(f'optimizer {o} param {i}: empty state')
            elif 'momentum_buffer' in st:
                expect_pattern(f'optimizer {o} param {i} momentum_buffer', st['momentum_buffer'], state_seed(o, i))
            else:
                expect_pattern(f'optimizer {o} param {i} moment1', st['moment1'], state_seed(o, i) + 1)
                expect_pattern(f'optimizer {o} param {i} moment2', st['moment2'], state_seed(o, i) + 2, absolute=True)
    cb = next(iter(ck['callbacks'].values()))
    want = np.float32(reference['score'])
    for key in ('best_model_score', 'current_score', 'kth_value'):
        if cb[key].numpy() != want:
            fail(f'ModelCheckpoint {key} {cb[key]} != {want}')
    n = sum(1 for o, opt in enumerate(ck['optimizer_states']) for i in opt['state'])
    print(f'torch {torch.__version__}: tree equals the fixture; {len(ck["state_dict"])} weights and {n} optimizer states hold their values')


def check_lightning(path, ck, params):
    from osu_dreamer.latent_model.model import Model
    import pytorch_lightning
    model = Model.load_from_checkpoint(path, map_location='cpu')
    sd = model.state_dict()
    if list(sd) != list(ck['state_dict']):
        fail('the model\'s state_dict keys differ from the file\'s')
    for j, name in enumerate(ck['state_dict']):
        expect_pattern(f'model {name}', sd[name], j + 1)
    names = dict(model.named_parameters())
    optimizers, schedulers = model.configure_optimizers()
    for o, (opt, sched) in enumerate(zip(optimizers, schedulers)):
        opt.load_state_dict(ck['optimizer_states'][o])
        for i, p in enumerate(opt.param_groups[0]['params']):
            name, step = params[(o, i)]
            if names[name] is not p:
                fail(f'optimizer {o} parameter {i} is not {name}')
            st = opt.state.get(p, {})
            if step in ('empty', 'absent'):
                if st:
                    fail(f'loaded optimizer {o} {name}: a state where the file has none')
            elif step == '-':
                expect_pattern(f'loaded optimizer {o} {name} momentum_buffer', st['momentum_buffer'], state_seed(o, i))
            else:
                if st['step'] != int(step):
                    fail(f'loaded optimizer {o} {name} step {st["step"]} != {step}')
                expect_pattern(f'loaded optimizer {o} {name} moment1', st['moment1'], state_seed(o, i) + 1)
                expect_pattern(f'loaded optimizer {o} {name} moment2', st['moment2'], state_seed(o, i) + 2, absolute=True)
        want = ck['optimizer_states'][o]['param_groups'][0]
        for key in ('lr', 'initial_lr', 'momentum', 'weight_decay', 'adam_lr_factor', 'adamw_betas', 'adamw_eps'):
            if opt.param_groups[0][key] != want[key]:
                fail(f'loaded optimizer {o} {key} {opt.param_groups[0][key]} != {want[key]}')
        s = sched['scheduler']
        s.load_state_dict(ck['lr_schedulers'][o])
        if s.last_epoch != ck['lr_schedulers'][o]['last_epoch'] or s.get_last_lr() != ck['lr_schedulers'][o]['_last_lr']:
            fail(f'scheduler {o} did not take the saved state')
    print(f'pytorch_lightning {pytorch_lightning.__version__}: Model.load_from_checkpoint took every weight; '
          f'both Muon optimizers and LambdaLR schedulers loaded their states')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 3:
        print(__doc__)
        sys.exit(2)
    path, layout, reference = args
    params = read_layout(layout)
    reference = json.load(open(reference))
    load = torch.load
    kwargs = {'weights_only': False} if 'weights_only' in load.__code__.co_varnames else {}
    ck = load(path, map_location='cpu', **kwargs)
    check_tree(ck, reference, params)
    if '--torch-only' not in sys.argv:
        check_lightning(path, ck, params)


main()
