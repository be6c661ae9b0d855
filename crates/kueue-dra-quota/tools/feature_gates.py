#!/usr/bin/env python3
"""Writes src/gates/tables.rs: the feature gates of every supported Kueue release.

Usage: tools/feature_gates.py KUEUE_REPOSITORY && cargo fmt -p kueue-dra-quota

KUEUE_REPOSITORY is a clone of kubernetes-sigs/kueue with its release tags and commit
ff69552. For each release the script finds the packages linked into cmd/kueue (by following
Go imports from cmd/kueue through the vendor tree), keeps those that register gates in
k8s.io/apiserver's DefaultMutableFeatureGate, and records each gate's spec at the
vendored component-base's DefaultKubeBinaryVersion, plus registered gate dependencies.
"""
import hashlib, json, os, re, subprocess, sys

REPO = sys.argv[1] if len(sys.argv) > 1 else "."
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "gates", "tables.rs")
MOD = "sigs.k8s.io/kueue"
GOOS_SUFFIX = re.compile(r"_(windows|darwin|freebsd|openbsd|netbsd|solaris|plan9|aix|android|ios|js|wasip1|dragonfly|illumos|zos|386|arm|arm64|ppc64|ppc64le|s390x|mips\w*|riscv64|loong64|wasm)(_\w+)?\.go$")

def tree(tag):
    out = subprocess.run(["git", "-C", REPO, "ls-tree", "-r", tag], capture_output=True, text=True).stdout
    files = {}
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        if path.endswith(".go") and not path.endswith("_test.go"):
            files[path] = meta.split()[2]
    return files

def read_all(shas):
    p = subprocess.Popen(["git", "-C", REPO, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    res = {}
    for path, sha in shas:
        p.stdin.write((sha + "\n").encode()); p.stdin.flush()
        header = p.stdout.readline().split()
        size = int(header[2]); data = p.stdout.read(size); p.stdout.read(1)
        res[path] = data.decode("utf-8", "replace")
    p.stdin.close(); p.wait()
    return res

IMPORT_BLOCK = re.compile(r'^import\s*\((.*?)^\)', re.S | re.M)
IMPORT_ONE = re.compile(r'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.M)
QUOTED = re.compile(r'"([^"]+)"')

def imports(src):
    head = src.split("\nfunc ", 1)[0]
    result = set(IMPORT_ONE.findall(head))
    for block in IMPORT_BLOCK.findall(head):
        for line in block.splitlines():
            line = line.split("//")[0]
            m = QUOTED.search(line)
            if m: result.add(m.group(1))
    return result

def excluded(path, src):
    if GOOS_SUFFIX.search(path): return True
    for line in src.splitlines()[:30]:
        if line.startswith("//go:build"):
            expr = line[len("//go:build"):].strip()
            if expr in ("ignore", "tools") or expr.startswith("ignore") : return True
            if re.fullmatch(r"!?\w+", expr) is None: return False
            neg = expr.startswith("!"); word = expr.lstrip("!")
            ok = word in ("linux", "amd64", "unix", "cgo", "go1.21", "gc") or word.startswith("go1.")
            return ok if neg else not ok
    return False

def linked(tag, roots=("cmd/kueue",)):
    files = tree(tag)
    dirs = {}
    for path in files:
        d = path.rsplit("/", 1)[0]
        dirs.setdefault(d, []).append(path)
    srcs = read_all(list(files.items()))
    seen, todo = set(), list(roots)
    while todo:
        d = todo.pop()
        if d in seen or d not in dirs: continue
        seen.add(d)
        for path in dirs[d]:
            src = srcs[path]
            if excluded(path, src): continue
            for imp in imports(src):
                if imp == MOD or imp.startswith(MOD + "/"):
                    todo.append(imp[len(MOD) + 1:] if imp != MOD else "")
                else:
                    todo.append("vendor/" + imp)
    return seen, srcs, dirs


def show(tag, path):
    r = subprocess.run(["git", "-C", REPO, "show", f"{tag}:{path}"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None

def vtuple(s):
    return tuple(int(x) for x in s.split("."))

CONST = re.compile(r'^\s*(\w+)\s*(?:(?:featuregate\.)?Feature\s*)?=\s*(?:featuregate\.Feature\()?"([^"]+)"', re.M)
FIELD = re.compile(r'(\w+):\s*([^,}]+)')

def strip_comments(src):
    return re.sub(r'//[^\n]*', '', src)

def map_body(src, head):
    i = src.find(head)
    if i < 0:
        return None
    j = src.index("{", i + len(head) - 1)
    depth, k = 0, j
    while True:
        c = src[k]
        if c == "{": depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0: return src[j + 1:k]
        k += 1

def entries(body):
    """Yield (key, inner) for top-level `Key: {...}` entries."""
    k, n = 0, len(body)
    while k < n:
        m = re.compile(r'\s*([\w.]+)\s*:\s*\{').match(body, k)
        if not m:
            k += 1; continue
        depth, p = 0, m.end() - 1
        while True:
            c = body[p]
            if c == "{": depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0: break
            p += 1
        yield m.group(1), body[m.end():p]
        k = p + 1

def parse_spec(text):
    f = dict(FIELD.findall(text))
    ver = re.search(r'MustParse\("([\d.]+)"\)', f.get("Version", "")) if "Version" in f else None
    minc = re.search(r'MinCompatibilityVersion:\s*version\.MustParse\("([\d.]+)"\)', text)
    return {
        "version": vtuple(ver.group(1)) if ver else (0, 0),
        "default": f.get("Default", "false").strip() == "true",
        "lock": f.get("LockToDefault", "false").strip() == "true",
        "pre": f.get("PreRelease", "featuregate.Alpha").strip().split(".")[-1],
        "minc": vtuple(minc.group(1)) if minc else None,
    }

def at_version(specs, emu, minc_ver, has_minc):
    for s in reversed(specs):
        if s["version"] > emu: continue
        if has_minc and s["minc"] is not None and not (minc_ver >= s["minc"]): continue
        return s
    return {"version": (0, 0), "default": False, "lock": False, "pre": "PreAlpha", "minc": None}

def registrar(tag, path, consts, emu, minc, has_minc):
    src = strip_comments(show(tag, path))
    gates = {}
    body = map_body(src, "featuregate.VersionedSpecs{")
    if body is None:
        body = map_body(src, "]VersionedSpecs{")
    if body is not None:
        for key, inner in entries(body):
            specs = [parse_spec(s) for s in re.findall(r'\{([^{}]*)\}', inner)]
            name = consts[key.split(".")[-1]]
            gates[name] = at_version(specs, emu, minc, has_minc)
    else:
        body = map_body(src, "featuregate.FeatureSpec{")
        for key, inner in entries(body):
            gates[consts[key.split(".")[-1]]] = parse_spec(inner)
    deps = {}
    dbody = map_body(src, "[]featuregate.Feature{")
    if dbody is not None and "AddDependencies" in src:
        for key, inner in entries(dbody):
            deps[consts[key.split(".")[-1]]] = [consts[d.strip().replace("featuregate.Feature(", "").rstrip(")").split(".")[-1]] for d in inner.split(",") if d.strip()]
    return gates, deps

def release_tables(tag):
    seen, srcs, dirs = linked(tag)
    paths = sorted(p for d in seen for p in dirs[d] if "DefaultMutableFeatureGate.Add" in srcs[p])
    kube = "vendor/k8s.io/kubernetes/pkg/features/kube_features.go"
    if kube in paths:
        # The kube package's init() also registers client-go's gates.
        paths.append("vendor/k8s.io/client-go/features/known_features.go")
    zpages = "vendor/k8s.io/component-base/zpages/features/kube_features.go"
    if any("zpagesfeatures.AddFeatureGates(utilfeature.DefaultMutableFeatureGate)" in srcs[p] for p in paths):
        paths.append(zpages)
    consts = {}
    for p in paths:
        for q in dirs[p.rsplit("/", 1)[0]]:
            consts.update(dict(CONST.findall(srcs[q])))
    # apiserver consts are referenced as genericfeatures.X from the kube package.
    for d in dirs:
        if d.endswith("/features") and d.startswith("vendor/k8s.io/"):
            for q in dirs[d]: consts.update(dict(CONST.findall(srcs[q])))
    base = show(tag, "vendor/k8s.io/component-base/version/base.go")
    emu = vtuple(re.search(r'DefaultKubeBinaryVersion = "([\d.]+)"', base).group(1))
    fg = show(tag, "vendor/k8s.io/component-base/featuregate/feature_gate.go")
    has_minc = "featureSpecAtEmulationAndMinCompatVersion" in fg
    has_deps = "depends on features that are disabled" in fg
    minc = (emu[0], emu[1] - 1)
    tables = []
    for p in paths:
        gates, deps = registrar(tag, p, consts, emu, minc, has_minc)
        tables.append((p, gates, deps if has_deps else {}))
    return emu, has_minc, tables



def main():
    tags = [l for l in subprocess.run(["git", "-C", REPO, "tag"], capture_output=True, text=True).stdout.split() if __import__("re").fullmatch(r"v0\.1[4-9]\.\d+", l)]
    tags.sort(key=lambda t: tuple(int(x) for x in t[1:].split(".")))
    tags.append("ff69552")
    gate_tables, dep_tables = {}, {}
    releases = []
    SOURCE = {
        "pkg/features/kube_features.go": "Kueue",
        "vendor/k8s.io/apiserver/pkg/features/kube_features.go": "k8s.io/apiserver",
        "vendor/k8s.io/apiextensions-apiserver/pkg/features/kube_features.go": "k8s.io/apiextensions-apiserver",
        "vendor/k8s.io/kubernetes/pkg/features/kube_features.go": "k8s.io/kubernetes",
        "vendor/github.com/ray-project/kuberay/ray-operator/pkg/features/features.go": "KubeRay",
        "vendor/github.com/kubeflow/trainer/v2/pkg/features/features.go": "Kubeflow Trainer",
        "vendor/k8s.io/client-go/features/known_features.go": "k8s.io/client-go",
        "vendor/k8s.io/component-base/zpages/features/kube_features.go": "k8s.io/component-base/zpages",
    }
    for tag in tags:
        emu, has_minc, tables = release_tables(tag)
        names = {}
        deps = {}
        for path, gates, d in tables:
            for n, s in gates.items():
                names.setdefault(n, s)
            for n, ds in d.items():
                deps.setdefault(n, ds)
        names.setdefault("AllAlpha", {"default": False, "lock": False, "pre": "Alpha"})
        names.setdefault("AllBeta", {"default": False, "lock": False, "pre": "Beta"})
        rows = tuple(sorted((n, s["default"], s["lock"], s["pre"]) for n, s in names.items()))
        drows = tuple(sorted((n, tuple(ds)) for n, ds in deps.items() if ds))
        key = hashlib.sha1(repr(rows).encode()).hexdigest()
        gate_tables.setdefault(key, (rows, []))[1].append(tag)
        dkey = hashlib.sha1(repr(drows).encode()).hexdigest()
        dep_tables.setdefault(dkey, (drows, []))[1].append(tag)
        releases.append((tag, key, dkey, [SOURCE[p] for p, _, _ in tables], emu))
    d = json.loads(json.dumps({"gates": {k: [list(r), t] for k, (r, t) in gate_tables.items()},
               "deps": {k: [list(r), t] for k, (r, t) in dep_tables.items()},
               "releases": releases}))
    STAGE = {"Alpha": "ALPHA", "Beta": "BETA", "GA": "GA", "Deprecated": "DEPRECATED"}
    gate_ids = {k: i for i, k in enumerate(sorted(d["gates"], key=lambda k: d["gates"][k][1][0] if d["gates"][k][1][0] != "ff69552" else "v9"))}
    dep_ids = {k: i for i, k in enumerate(sorted(d["deps"], key=lambda k: len(d["deps"][k][0])))}
    out = []
    out.append("//! Every feature gate each supported Kueue release knows, with its default, lock and stage,")
    out.append("//! and the gate dependencies its feature gate registry checks.")
    out.append("//!")
    out.append("//! Generated by `tools/feature_gates.py` from Kueue's repository; edit that script, not this")
    out.append("//! file. A release knows the gates of `pkg/features/kube_features.go` and of every vendored")
    out.append("//! package that registers gates in the same registry and is linked into `cmd/kueue`, such as")
    out.append("//! `k8s.io/apiserver/pkg/features`. Each gate's spec is the one in force at the registry's")
    out.append("//! emulation version, the vendored `k8s.io/component-base` `DefaultKubeBinaryVersion`.")
    out.append("")
    out.append("use super::{GateSpec, Stage};")
    out.append("use crate::release::Release;")
    out.append("")
    out.append("const ALPHA: Stage = Stage::Alpha;")
    out.append("const BETA: Stage = Stage::Beta;")
    out.append("const GA: Stage = Stage::Ga;")
    out.append("const DEPRECATED: Stage = Stage::Deprecated;")
    out.append("")
    out.append("const fn g(name: &'static str, stage: Stage, default: bool, locked: bool) -> GateSpec {")
    out.append("    GateSpec { name, stage, default, locked }")
    out.append("}")
    out.append("")
    for k, i in sorted(gate_ids.items(), key=lambda x: x[1]):
        rows, tags = d["gates"][k]
        tags = ["main" if t == "ff69552" else t for t in tags]
        out.append(f"/// The gates of {', '.join(tags)}.")
        out.append(f"static GATES_{i}: &[GateSpec] = &[")
        for name, default, lock, pre in rows:
            out.append(f'    g("{name}", {STAGE[pre]}, {str(default).lower()}, {str(lock).lower()}),')
        out.append("];")
        out.append("")
    for k, i in sorted(dep_ids.items(), key=lambda x: x[1]):
        rows, tags = d["deps"][k]
        tags = ["main" if t == "ff69552" else t for t in tags]
        out.append(f"/// The gate dependencies of {', '.join(tags)}, by dependent gate name.")
        out.append(f"static DEPENDENCIES_{i}: &[(&str, &[&str])] = &[")
        for name, deps in rows:
            out.append(f'    ("{name}", &[{", ".join(chr(34) + x + chr(34) for x in deps)}]),')
        out.append("];")
        out.append("")
    out.append("/// Returns the gates `release` knows, sorted by name, and its gate dependencies.")
    out.append("pub(super) fn tables(release: Release) -> (&'static [GateSpec], &'static [(&'static str, &'static [&'static str])]) {")
    by = {}
    for tag, key, dkey, sources, emu in d["releases"]:
        by.setdefault((gate_ids[key], dep_ids[dkey]), []).append(tag)
    main_arm = None
    arms = []
    for (gi, di), tags in sorted(by.items(), key=lambda x: x[1][0] if x[1][0] != "ff69552" else "v9"):
        patches = []
        for t in tags:
            if t == "ff69552":
                main_arm = f"(GATES_{gi}, DEPENDENCIES_{di})"
            else:
                _, mi, pa = t[1:].split(".")
                patches.append((mi, pa))
        if patches:
            minor = patches[0][0]
            numbers = [int(pa) for _, pa in patches]
            contiguous = numbers == list(range(numbers[0], numbers[-1] + 1))
            if len(numbers) >= 3 and contiguous:
                pattern = f"{numbers[0]}..={numbers[-1]}"
            else:
                pattern = " | ".join(str(n) for n in numbers)
            arms.append(f"        ({minor}, {pattern}) => (GATES_{gi}, DEPENDENCIES_{di}),")
    out.append("    let Release::Tagged { minor, patch } = release else {")
    out.append(f"        return {main_arm};")
    out.append("    };")
    out.append("    match (minor, patch) {")
    out.extend(arms)
    out.append("        _ => (&[], &[]),")
    out.append("    }")
    out.append("}")
    open(OUTPUT, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
