#!/usr/bin/env python3
"""The scan benchmark's tree: DIRS pod directories of FILES one-byte files each, 50 per
subdirectory, all with an old mtime (idle), so discover + classify walks every entry.

    gen_scan_tree.py ROOT DIRS FILES
"""
import os
import sys

root, dirs, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
old = 1.7e9
for d in range(dirs):
    base = os.path.join(root, f"pod-{d:04d}")
    for i in range(files):
        sub = os.path.join(base, f"{i % 50:02d}")
        if i < 50:
            os.makedirs(sub, exist_ok=True)
        p = os.path.join(sub, f"f{i:05d}.log")
        with open(p, "w") as f:
            f.write("x")
        os.utime(p, (old, old))
