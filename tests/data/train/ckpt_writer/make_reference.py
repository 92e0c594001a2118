"""Goldens of the checkpoint writer's external test, from a checkpoint Lightning 2.5.2 wrote
(tiny_lightning252.ckpt: tools/trainref/make_ckpts.sh tiny).
usage: <trainref venv>/bin/python make_reference.py CKPT
PYTHONPATH must hold the reference package (osu_dreamer) so that the parameters of each optimizer
are named by the reference's own configure_optimizers.
Writes, beside this script:
  tiny_layout.txt     what the C++ test program needs to write a checkpoint of the same shape:
                      state_dict names and shapes, module names (_metadata), each optimizer's
                      parameters (index, name, AdamW step, '-' (Muon), 'empty' or 'absent'), and the fixture's numbers
  tiny_reference.json the fixture's whole tree as ckpt_tree.encode gives it (tensors by dtype and
                      shape), and its ModelCheckpoint score"""
import json, os, sys
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'latent'))
import ckpt_tree
from osu_dreamer.latent_model.model import Model

path = sys.argv[1]
ck = torch.load(path, map_location='cpu', weights_only=False)
model = Model.load_from_checkpoint(path, map_location='cpu')
names = {id(p): n for n, p in model.named_parameters()}
optimizers, _ = model.configure_optimizers()

lines = ['# made by make_reference.py from ' + os.path.basename(path)]
for name, t in ck['state_dict'].items():
    lines.append(f'tensor {name} ' + (','.join(str(d) for d in t.shape) or '-'))
for name in ck['state_dict']._metadata:
    lines.append(f'module {name or "-"}')
for o, opt in enumerate(optimizers):
    state = ck['optimizer_states'][o]['state']
    for i, p in enumerate(opt.param_groups[0]['params']):
        # AdamW: its step; Muon: '-'; 'empty': {} (a parameter that never had a gradient, whose
        # state Muon touched before skipping it); 'absent': no entry
        step = ('absent' if i not in state else 'empty' if not state[i] else state[i].get('step', '-'))
        lines.append(f'param {o} {i} {names[id(p)]} {step}')
cb = next(iter(ck['callbacks'].values()))
fit = ck['loops']['fit_loop']
group = ck['optimizer_states'][0]['param_groups'][0]
sched = ck['lr_schedulers'][0]
numbers = {
    'epoch': ck['epoch'], 'global_step': ck['global_step'],
    'lr': repr(group['lr']), 'initial_lr': repr(group['initial_lr']),
    'last_epoch': sched['last_epoch'], 'step_count': sched['_step_count'], 'last_lr': repr(sched['_last_lr'][0]),
    'base_lr': repr(sched['base_lrs'][0]),
    'score': repr(float(cb['best_model_score'])),
    'batches': fit['epoch_loop.batch_progress']['total']['completed'],
    'batches_that_stepped': fit['epoch_loop.state_dict']['_batches_that_stepped'],
    'optimizer_steps': fit['epoch_loop.manual_optimization.optim_step_progress']['total']['completed'],
    'val_batches_total': fit['epoch_loop.val_loop.batch_progress']['total']['completed'],
    'val_batches_current': fit['epoch_loop.val_loop.batch_progress']['current']['completed'],
    'dirpath': cb['dirpath'], 'best_model_path': cb['best_model_path'], 'last_model_path': cb['last_model_path'],
}
lines += [f'set {k} {v}' for k, v in numbers.items()]
open(os.path.join(HERE, 'tiny_layout.txt'), 'w').write('\n'.join(lines) + '\n')
json.dump({'tree': ckpt_tree.encode(ck), 'score': float(cb['best_model_score'])},
          open(os.path.join(HERE, 'tiny_reference.json'), 'w'))
print('wrote', len(lines), 'layout lines')
