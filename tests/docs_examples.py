#!/usr/bin/env python3
"""docs_examples.py — runs every example of the given Markdown files so the
docs cannot rot: ```sh blocks run with the built CLI first on PATH (as
`tact`), ```c blocks are compiled against the build and run, ```python and
```js blocks run with the bindings pointed at the built library. A block
passes when it exits 0 and prints something.

usage: docs_examples.py BUILD_DIR SOURCE_DIR FILE.md...
Prints one line per block and a final 'N passed, N failed'."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD, SRC, FILES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
LIB = os.path.join(BUILD, "lib", "libtact.so")
BLOCK = re.compile(r"^```(sh|c|python|js)\n(.*?)^```", re.S | re.M)


def env(tmp):
    e = dict(os.environ)
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "tact")
    if not os.path.exists(link):
        os.symlink(os.path.join(BUILD, "examples", "tact"), link)
    e["PATH"] = bindir + os.pathsep + e.get("PATH", "")
    e["TACT_LIBRARY"] = LIB
    e["LD_LIBRARY_PATH"] = os.path.join(BUILD, "lib")
    e["PYTHONPATH"] = os.path.join(SRC, "bindings", "python")
    return e


def run_block(lang, code, tmp):
    e = env(tmp)
    if lang == "sh":
        return subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=tmp, env=e,
                              capture_output=True, text=True, timeout=120)
    if lang == "c":
        src, exe = os.path.join(tmp, "example.c"), os.path.join(tmp, "example")
        with open(src, "w") as f:
            f.write(code)
        cc = subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", "-I" + os.path.join(SRC, "include"),
                             src, "-L" + os.path.join(BUILD, "lib"), "-ltact", "-o", exe],
                            capture_output=True, text=True)
        if cc.returncode:
            return cc
        return subprocess.run([exe], env=e, capture_output=True, text=True, timeout=60)
    if lang == "python":
        return subprocess.run(["/usr/bin/python3", "-c", code], cwd=tmp, env=e,
                              capture_output=True, text=True, timeout=60)
    # js: resolve require('tact') to the repository's binding, whose koffi
    # dependency comes from the npm registry on first use
    node_dir = os.path.join(SRC, "bindings", "node")
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "koffi")):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=node_dir,
                       check=True, capture_output=True)
    nm = os.path.join(tmp, "node_modules")
    os.makedirs(nm, exist_ok=True)
    if not os.path.exists(os.path.join(nm, "tact")):
        os.symlink(os.path.join(SRC, "bindings", "node"), os.path.join(nm, "tact"))
    with open(os.path.join(tmp, "example.js"), "w") as f:
        f.write(code)
    return subprocess.run(["node", "example.js"], cwd=tmp, env=e, capture_output=True, text=True,
                          timeout=60)


results = []
with tempfile.TemporaryDirectory() as tmp:
    for path in FILES:
        text = open(path, encoding="utf-8").read()
        for i, m in enumerate(BLOCK.finditer(text), 1):
            lang, code = m.group(1), m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            name = "%s:%d (%s)" % (os.path.relpath(path, SRC), line, lang)
            if lang == "js" and not shutil.which("node"):
                print("skip   " + name + "  -- no node")
                continue
            try:
                r = run_block(lang, code, tmp)
                ok = r.returncode == 0 and r.stdout.strip() != ""
                detail = (r.stdout + r.stderr)[-800:]
            except subprocess.TimeoutExpired:
                ok, detail = False, "timed out"
            results.append(ok)
            print(("ok     " if ok else "FAILED ") + name + ("" if ok else "\n" + detail))
passed = sum(results)
print("%d passed, %d failed" % (passed, len(results) - passed))
sys.exit(0 if results and passed == len(results) else 1)
