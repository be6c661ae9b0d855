#!/usr/bin/env python3
"""Writes src/config_fields/tables.rs: the JSON field paths of Kueue's Configuration, per release.

Usage: tools/config_fields.py KUEUE_REPOSITORY && cargo fmt -p kueue-dra-quota

KUEUE_REPOSITORY is a clone of kubernetes-sigs/kueue with its release tags and commit
ff69552. For each release, the script reads the Configuration struct of apis/config/v1beta1
and, where the release has it, of apis/config/v1beta2. It follows the `json:"..."` tags
through the struct types they name, in Kueue's own packages and in the vendored modules.
Embedded structs (with no tag or with `json:",inline"`) add their fields to the parent.

A path is written with `[]` for a list element and `*` for any map key. A path ending in
`.**` accepts any field below it. The script writes such a path for a type that decodes
itself (it has an UnmarshalJSON method, such as metav1.Duration or resource.Quantity), for
`interface{}`, for a type not found in the release's tree, and for a struct that contains
itself. It also records the name Kueue's runtime.Scheme gets from the line that creates it
in cmd/kueue/main.go, which Kueue prints for an apiVersion the scheme does not register.
"""
import hashlib, os, re, subprocess, sys

REPO = sys.argv[1] if len(sys.argv) > 1 else "."
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "config_fields", "tables.rs")
MOD = "sigs.k8s.io/kueue"
VERSIONS = ("v1beta1", "v1beta2")
BUILTIN = {"string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
           "uint32", "uint64", "float32", "float64", "byte", "rune", "uintptr"}
ANY = "**"


def git(*args):
    return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True).stdout


class Tree:
    """The Go packages of one tag, read on demand."""

    def __init__(self, tag):
        self.tag = tag
        self.dirs = {}
        for path in git("ls-tree", "-r", "--name-only", tag).splitlines():
            if path.endswith(".go") and not path.endswith("_test.go"):
                self.dirs.setdefault(path.rsplit("/", 1)[0], []).append(path)
        self.packages = {}

    def package(self, directory):
        if directory not in self.packages:
            self.packages[directory] = parse_package(
                [git("show", f"{self.tag}:{p}") for p in self.dirs.get(directory, [])])
        return self.packages[directory]

    def directory(self, import_path):
        if import_path.startswith(MOD + "/"):
            return import_path[len(MOD) + 1:]
        return "vendor/" + import_path


STRUCT = re.compile(r'^type\s+(\w+)\s+struct\s*\{', re.M)
NAMED = re.compile(r'^type\s+(\w+)\s+(?!struct\b)(\S[^\n]*)$', re.M)
IMPORT = re.compile(r'^\s*(?:(\w+)\s+)?"([^"]+)"', re.M)
UNMARSHAL = re.compile(r'^func\s*\(\s*\w*\s*\*?(\w+)\s*\)\s*UnmarshalJSON\b', re.M)


def strip_comments(src):
    src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
    return re.sub(r'//[^\n]*', '', src)


def parse_package(sources):
    """Returns the package's structs (name to fields), other named types and self-decoding types."""
    structs, named, decoders = {}, {}, set()
    for raw in sources:
        src = strip_comments(raw)
        imports = {}
        for block in re.findall(r'^import\s*\((.*?)^\)', src, re.S | re.M) + re.findall(r'^import\s+((?:\w+\s+)?"[^"]+")', src, re.M):
            for alias, path in IMPORT.findall(block):
                imports[alias or path.rsplit("/", 1)[-1]] = path
        decoders.update(UNMARSHAL.findall(src))
        for match in STRUCT.finditer(src):
            depth, k = 1, match.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(src[k], 0)
                k += 1
            structs[match.group(1)] = (parse_fields(src[match.end():k - 1]), imports)
        for name, expr in NAMED.findall(src):
            named[name] = (expr.strip().lstrip("=").strip(), imports)
    return structs, named, decoders


def parse_fields(body):
    """Returns (json name or None for an inlined field, type expression) in declaration order."""
    fields = []
    depth = 0
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if depth:
            depth += line.count("{") - line.count("}")
            continue
        tag = re.search(r'`([^`]*)`', line)
        json_tag = re.search(r'json:"([^"]*)"', tag.group(1)) if tag else None
        decl = line[:tag.start()].strip() if tag else line
        if decl.endswith("{"):
            # A field of an anonymous struct type, which no Configuration type uses.
            depth = 1
            parts = decl.split()
            fields.append((json_name(json_tag, parts[0]), "interface{}"))
            continue
        parts = decl.split()
        if len(parts) == 1:
            name = json_tag.group(1).split(",")[0] if json_tag else ""
            fields.append((name or None, parts[0]))
            continue
        names = [n.strip() for n in " ".join(parts[:-1]).split(",")] if "," in decl else [parts[0]]
        type_expr = parts[-1] if "," in decl else " ".join(parts[1:])
        for name in names:
            if name[:1].isupper():
                fields.append((json_name(json_tag, name), type_expr))
    return [f for f in fields if f[0] != "-"]


def json_name(json_tag, go_name):
    if json_tag is None:
        return go_name
    name = json_tag.group(1).split(",")[0]
    return name or go_name


class Walker:
    def __init__(self, tree):
        self.tree = tree
        self.paths = []

    def add(self, path):
        if path not in self.paths:
            self.paths.append(path)

    def walk_type(self, path, expr, directory, imports, stack):
        expr = expr.strip()
        while expr.startswith("*"):
            expr = expr[1:]
        if expr.startswith("[]"):
            return self.walk_type(path + "[]", expr[2:], directory, imports, stack)
        if expr.startswith("["):
            return
        if expr.startswith("map["):
            depth, k = 0, 3
            while True:
                depth += {"[": 1, "]": -1}.get(expr[k], 0)
                if depth == 0:
                    break
                k += 1
            child = join(path, "*")
            self.add(child)
            return self.walk_type(child, expr[k + 1:], directory, imports, stack)
        if expr in BUILTIN:
            return
        if expr in ("interface{}", "any") or expr.startswith(("interface", "func", "chan")):
            return self.add(join(path, ANY))
        if "." in expr:
            alias, name = expr.split(".", 1)
            if alias not in imports:
                return self.add(join(path, ANY))
            return self.walk_named(path, name, self.tree.directory(imports[alias]), stack)
        return self.walk_named(path, expr, directory, stack)

    def walk_named(self, path, name, directory, stack):
        if directory not in self.tree.dirs:
            # The standard library, such as time.Duration: a scalar in JSON.
            if not directory.startswith("vendor/") or "." not in directory.split("/")[1]:
                return
            return self.add(join(path, ANY))
        structs, named, decoders = self.tree.package(directory)
        if name in decoders:
            return self.add(join(path, ANY))
        if (directory, name) in stack:
            return self.add(join(path, ANY))
        if name in structs:
            fields, imports = structs[name]
            for field, expr in fields:
                if field is None:
                    self.walk_type(path, expr, directory, imports, stack + [(directory, name)])
                    continue
                child = join(path, field)
                self.add(child)
                self.walk_type(child, expr, directory, imports, stack + [(directory, name)])
            return
        if name in named:
            expr, imports = named[name]
            return self.walk_type(path, expr, directory, imports, stack + [(directory, name)])
        self.add(join(path, ANY))


def join(path, segment):
    return f"{path}.{segment}" if path else segment


def scheme_name(tag):
    lines = git("show", f"{tag}:cmd/kueue/main.go").splitlines()
    for number, line in enumerate(lines, 1):
        if re.search(r'\bscheme\s*=\s*runtime\.NewScheme\(\)', line):
            return number
    raise SystemExit(f"{tag}: no runtime.NewScheme() in cmd/kueue/main.go")


def release_paths(tag):
    tree = Tree(tag)
    tables = {}
    for version in VERSIONS:
        directory = f"apis/config/{version}"
        if directory not in tree.dirs:
            continue
        walker = Walker(tree)
        walker.walk_named("", "Configuration", directory, [])
        tables[version] = tuple(sorted(walker.paths))
    return tables, scheme_name(tag)


def rust_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def arm_pattern(patches):
    numbers = [int(p) for p in patches]
    if len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}..={numbers[-1]}"
    return " | ".join(str(n) for n in numbers)


def release_patterns(group):
    """Writes the `Release` patterns that match the tags of `group`, one per minor line."""
    by_minor, patterns = {}, []
    for tag in group:
        if tag == "ff69552":
            continue
        _, minor, patch = tag[1:].split(".")
        by_minor.setdefault(minor, []).append(patch)
    for minor, patches in by_minor.items():
        patterns.append(f"Release::Tagged {{ minor: {minor}, patch: {arm_pattern(patches)} }}")
    if "ff69552" in group:
        patterns.append("Release::Main")
    return " | ".join(patterns)


def describe(uses):
    """Writes `v0.17.0 to v0.17.8 and main (v1beta2)` for a list of `<tag> <version>`."""
    version = uses[0].split()[1]
    by_minor, has_main = {}, False
    for use in uses:
        tag = use.split()[0]
        if tag == "ff69552":
            has_main = True
            continue
        _, minor, patch = tag[1:].split(".")
        by_minor.setdefault(minor, []).append(patch)
    parts = [f"v0.{m}.{p[0]}" if len(p) == 1 else f"v0.{m}.{p[0]} to v0.{m}.{p[-1]}" for m, p in by_minor.items()]
    if has_main:
        parts.append("main")
    text = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"{text} (`{version}`)"


def main():
    tags = [t for t in git("tag").split() if re.fullmatch(r"v0\.1[4-9]\.\d+", t)]
    tags.sort(key=lambda t: tuple(int(x) for x in t[1:].split(".")))
    tags.append("ff69552")

    tables = {}
    releases = []
    for tag in tags:
        per_version, line = release_paths(tag)
        ids = {}
        for version, paths in per_version.items():
            key = hashlib.sha1(repr(paths).encode()).hexdigest()
            tables.setdefault(key, (paths, []))[1].append(f"{tag} {version}")
            ids[version] = key
        releases.append((tag, ids, line))

    order = sorted(tables, key=lambda k: (tables[k][1][0].split()[1], tags.index(tables[k][1][0].split()[0])))
    table_ids = {k: i for i, k in enumerate(order)}

    out = [
        "//! The JSON field paths of Kueue's Configuration at each supported release, for",
        "//! `config.kueue.x-k8s.io/v1beta1` and `v1beta2`.",
        "//!",
        "//! Generated by `tools/config_fields.py` from Kueue's repository; edit that script, not",
        "//! this file. The paths follow the `json` tags of `apis/config/<version>` at each tag,",
        "//! through Kueue's own struct types and the vendored Kubernetes types they name. A path",
        "//! uses `[]` for a list element and `*` for any map key, and one ending in `.**` accepts",
        "//! any field below it: the script writes those for types that decode themselves (such as",
        "//! `metav1.Duration`), for `interface{}` and for types that contain themselves.",
        "",
        "use crate::release::Release;",
        "",
    ]
    for key in order:
        paths, uses = tables[key]
        out.append(f"/// The Configuration fields of {describe(uses)}, sorted.")
        out.append(f"static FIELDS_{table_ids[key]}: &[&str] = &[")
        out.extend(f"    {rust_string(p)}," for p in paths)
        out.append("];")
        out.append("")

    out.append("/// Returns the Configuration fields of `release` for `version` (`v1beta1` or `v1beta2`),")
    out.append("/// sorted, or `None` when the release has no Configuration of that version.")
    out.append("pub(super) fn fields(release: Release, version: &str) -> Option<&'static [&'static str]> {")
    out.append("    let (v1beta1, v1beta2): (Option<&'static [&'static str]>, Option<&'static [&'static str]>) = match release {")
    groups = {}
    for tag, ids, line in releases:
        value = tuple(f"Some(FIELDS_{table_ids[ids[v]]})" if v in ids else "None" for v in VERSIONS)
        groups.setdefault(value, []).append(tag)
    for value, group in groups.items():
        out.append(f"        {release_patterns(group)} => ({value[0]}, {value[1]}),")
    out.append("        Release::Tagged { .. } => (None, None),")
    out.append("    };")
    out.append("    match version {")
    out.append('        "v1beta1" => v1beta1,')
    out.append('        "v1beta2" => v1beta2,')
    out.append("        _ => None,")
    out.append("    }")
    out.append("}")
    out.append("")

    out.append("/// Returns the line of `cmd/kueue/main.go` at `release` that creates Kueue's")
    out.append("/// `runtime.Scheme`, which names the scheme.")
    out.append("pub(super) fn scheme_line(release: Release) -> Option<u32> {")
    out.append("    match release {")
    lines = {}
    for tag, ids, line in releases:
        lines.setdefault(line, []).append(tag)
    for line, group in lines.items():
        out.append(f"        {release_patterns(group)} => Some({line}),")
    out.append("        Release::Tagged { .. } => None,")
    out.append("    }")
    out.append("}")
    open(OUTPUT, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
