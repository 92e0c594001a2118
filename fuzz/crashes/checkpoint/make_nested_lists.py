#!/usr/bin/env python3
"""Writes the reproducers of the checkpoint reader's stack overflow (see ../README.md):

    make_nested_lists.py <out dir> [depth, default 200000]

<out dir>/nested-lists.ckpt   a torch.save-style zip whose data.pkl nests `depth` empty lists
                              (`]` x depth, `a` x (depth-1)): cartography encode-latent/run crash
<out dir>/nested-lists.fuzz   the same pickle as fuzz_checkpoint input (first byte 0x01)
"""
import os
import sys
import zipfile

out = sys.argv[1]
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
pkl = b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(os.path.join(out, "nested-lists.ckpt"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", pkl)
    z.writestr("archive/version", "3\n")
with open(os.path.join(out, "nested-lists.fuzz"), "wb") as f:
    f.write(b"\x01" + pkl)
