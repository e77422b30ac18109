#!/usr/bin/env python3
"""Schema and policy gate for synthesized manifests (run by test/policy/run.sh with the tools venv).

Over every DIR/*.k8s.yaml (one cdk8s chart per file):
  schema      strict JSON-schema validation against Kubernetes 1.28 (kubernetes-validate's
              local-strict schemas: unknown fields are errors). Instances of CRDs are validated
              against the CRD's openAPIV3Schema when the same file or --crd-dir holds the CRD;
              other kinds without a schema are reported "skipped (no schema)", never fatal.
  checkov     one run over all files (--framework kubernetes --skip-download).
  kube-score  one run per file (a file is a chart: cross-object checks such as "PDB targets
              the Deployment" must not match objects of another chart).
  polaris     one run per file (same reason); the score is aggregated with Polaris' own formula.

Findings: checkov failed checks; kube-score checks graded CRITICAL (1) or WARNING (5); Polaris
results that failed at severity warning or danger. Every finding must be fixed or matched by an
entry of the ONE exemptions file (test/policy/exemptions.yaml); in-manifest skips
(checkov.io/skip, kube-score/ignore, polaris exemption annotations) are disabled or counted as
failures, so that file stays the only place where an exception can be granted.

Stale exemptions (matching nothing) are warnings by default: runs over a subset of the examples
(a single chart, the broken self-test) would otherwise fail for the wrong reason. CI's full run
can pass --fail-on-stale to keep the file tight.

Counting for the closing line "N passed, N failed": one check per file x tool (schema, checkov,
kube-score, polaris), plus the Polaris score gate, plus the self-test when it runs, plus the
stale-exemption check with --fail-on-stale.

Polaris score: the score Polaris itself computes is shown; the gate (>= 95) applies to the score
with exempted results left out, as Polaris does for checks configured "ignore".
"""
from __future__ import annotations

import argparse
import fnmatch
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource

K8S_VERSION = "1.28"
POLARIS_MIN_SCORE = 95
SCANNERS = ("checkov", "kube-score", "polaris")
TOOLS = ("schema",) + SCANNERS

# Check ids the broken manifest must trigger (privileged container, ":latest" image).
SELF_TEST_EXPECT = {
    "checkov": {"CKV_K8S_16", "CKV_K8S_14"},
    "kube-score": {"container-security-context-privileged", "container-image-tag"},
    "polaris": {"runAsPrivileged", "tagNotSpecified"},
}
SELF_TEST_UNKNOWN_FIELD = "spec.template.spec.containers[0].imagePullPolicyy"

CHECK_ID_RE = {
    "checkov": re.compile(r"^CKV2?_K8S_\d+$"),
    "kube-score": re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    "polaris": re.compile(r"^[A-Za-z][A-Za-z0-9]*$"),
}


# ---------------------------------------------------------------------------------------------
# data
@dataclass
class Obj:
    file: str  # basename
    index: int
    api_version: str
    kind: str
    name: str
    body: dict

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass
class Finding:
    scanner: str
    check: str
    file: str
    kind: str
    name: str
    message: str
    severity: str = ""
    exempted_by: "Exemption | None" = None

    def describe(self) -> str:
        sev = f" [{self.severity}]" if self.severity else ""
        return f"{self.file}: {self.kind}/{self.name}: {self.check}{sev}: {self.message}"


@dataclass
class Exemption:
    index: int
    scanner: str
    check: str
    obj: str
    reason: str
    justification: str = ""
    message: str = ""
    file: str = ""
    used: int = 0
    _msg_re: "re.Pattern | None" = None

    def label(self) -> str:
        extra = f" message~/{self.message}/" if self.message else ""
        extra += f" file={self.file}" if self.file else ""
        return f"#{self.index} {self.scanner} {self.check} {self.obj}{extra}"

    def matches(self, f: Finding) -> bool:
        if f.scanner != self.scanner or f.check != self.check:
            return False
        if self.file and not fnmatch.fnmatchcase(f.file, self.file):
            return False
        if self.obj != "*":
            kind_pat, name_pat = self.obj.split("/", 1)
            if not (fnmatch.fnmatchcase(f.kind, kind_pat) and fnmatch.fnmatchcase(f.name, name_pat)):
                return False
        if self._msg_re is not None and not self._msg_re.search(f.message):
            return False
        return True


@dataclass
class Report:
    """Everything one run over one directory found; printed and, in the self-test, inspected."""
    files: list = field(default_factory=list)
    schema_errors: list = field(default_factory=list)  # (file, objref, path, message)
    schema_skipped: list = field(default_factory=list)  # (file, objref, text)
    schema_valid: int = 0
    schema_crd_valid: int = 0
    findings: list = field(default_factory=list)
    passed: dict = field(default_factory=lambda: {s: 0 for s in SCANNERS})
    tool_errors: list = field(default_factory=list)  # (tool, file or '*', message)
    polaris_counts: dict = field(default_factory=lambda: {"successes": 0, "warnings": 0, "dangers": 0})
    checkov_version: str = "?"


# ---------------------------------------------------------------------------------------------
# exemptions
class ExemptionFileError(Exception):
    pass


def load_exemptions(path: Path) -> list:
    """Reads and validates the exemptions file; every problem is reported, not just the first."""
    problems = []
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ExemptionFileError(f"{path}: file not found")
    except yaml.YAMLError as e:
        raise ExemptionFileError(f"{path}: not valid YAML: {e}")
    if data is None:
        data = {}
    if not isinstance(data, dict) or set(data) - {"exemptions"}:
        raise ExemptionFileError(f"{path}: top level must be a mapping with the single key 'exemptions'")
    entries = data.get("exemptions") or []
    if not isinstance(entries, list):
        raise ExemptionFileError(f"{path}: 'exemptions' must be a list")
    allowed = {"scanner", "check", "object", "reason", "justification", "message", "file"}
    result, seen = [], {}
    for i, e in enumerate(entries, start=1):
        where = f"{path}: exemption #{i}"
        if not isinstance(e, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        unknown = set(e) - allowed
        if unknown:
            problems.append(f"{where}: unknown key(s) {sorted(unknown)} (allowed: {sorted(allowed)})")
        for key in ("scanner", "check", "object", "reason"):
            v = e.get(key)
            if not isinstance(v, str) or not v.strip():
                problems.append(f"{where}: '{key}' is required and must be a non-empty string")
        for key in ("justification", "message", "file"):
            if key in e and (not isinstance(e[key], str) or not e[key].strip()):
                problems.append(f"{where}: '{key}' must be a non-empty string when given")
        scanner, check, obj = e.get("scanner"), e.get("check"), e.get("object")
        reason = e.get("reason")
        if isinstance(scanner, str) and scanner not in SCANNERS:
            problems.append(f"{where}: scanner '{scanner}' is not one of {list(SCANNERS)} (schema errors cannot be exempted)")
        elif isinstance(scanner, str) and isinstance(check, str) and not CHECK_ID_RE[scanner].match(check):
            problems.append(f"{where}: '{check}' does not look like a {scanner} check id")
        if isinstance(reason, str) and ("\n" in reason.strip() or len(reason) > 240):
            problems.append(f"{where}: 'reason' must be one line (at most 240 characters)")
        if isinstance(obj, str):
            if obj != "*" and not re.fullmatch(r"[^/\s]+/[^/\s]+", obj):
                problems.append(f"{where}: object '{obj}' must be '*' or 'Kind/name' (globs allowed, e.g. 'Deployment/web-*')")
            elif obj == "*" or obj.endswith("/*"):
                j = e.get("justification")
                if not isinstance(j, str) or not j.strip():
                    problems.append(f"{where}: object '{obj}' matches every name, so 'justification' (why this is global) is required")
        msg_re = None
        if isinstance(e.get("message"), str):
            try:
                msg_re = re.compile(e["message"])
            except re.error as err:
                problems.append(f"{where}: 'message' is not a valid regular expression: {err}")
        key = (scanner, check, obj, e.get("message"), e.get("file"))
        if key in seen:
            problems.append(f"{where}: duplicates exemption #{seen[key]}")
        seen[key] = i
        if isinstance(scanner, str) and isinstance(check, str) and isinstance(obj, str) and isinstance(reason, str):
            result.append(Exemption(index=i, scanner=scanner, check=check, obj=obj, reason=reason.strip(),
                                    justification=(e.get("justification") or "").strip(),
                                    message=e.get("message") or "", file=e.get("file") or "", _msg_re=msg_re))
    if problems:
        raise ExemptionFileError("\n".join(problems))
    return result


# ---------------------------------------------------------------------------------------------
# schema validation
def json_path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(root)"


class SchemaIndex:
    """Maps (group, version, kind) to kubernetes-validate's strict 1.28 schema files."""

    def __init__(self, schema_dir: Path):
        self.dir = schema_dir
        self.by_gvk = {}
        for f in schema_dir.glob("*.json"):
            if f.name.startswith("_") or f.name == "all.json":
                continue
            try:
                doc = json.loads(f.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            for gvk in doc.get("x-kubernetes-group-version-kind") or []:
                self.by_gvk[(gvk.get("group", ""), gvk.get("version"), gvk.get("kind"))] = f
        defs = json.loads((schema_dir / "_definitions.json").read_text())
        self.registry = Resource.from_contents(defs) @ Registry()
        self.defs_id = defs.get("$id", "https://kubernetes.io/api/_definitions.json")
        self._validators = {}

    def validator(self, api_version: str, kind: str):
        group, _, version = api_version.rpartition("/")
        f = self.by_gvk.get((group, version, kind))
        if f is None:
            return None
        if f not in self._validators:
            schema = json.loads(f.read_text())
            reg = Resource.from_contents(schema) @ self.registry
            self._validators[f] = jsonschema.Draft202012Validator(schema, registry=reg)
        return self._validators[f]

    def object_meta_validator(self):
        if "meta" not in self._validators:
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                      "$ref": f"{self.defs_id}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
            self._validators["meta"] = jsonschema.Draft202012Validator(schema, registry=self.registry)
        return self._validators["meta"]


def schema_errors(validator, instance, prefix=()) -> list:
    """All errors (not just the first), unknown fields reported one by one with their full path."""
    out = []
    for err in validator.iter_errors(instance):
        path = list(prefix) + list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = set((err.schema.get("properties") or {}).keys())
            pats = [re.compile(p) for p in (err.schema.get("patternProperties") or {})]
            extras = [k for k in err.instance if k not in known and not any(p.search(k) for p in pats)]
            if extras:
                for k in extras:
                    out.append((json_path(path + [k]), "unknown field"))
                continue
        msg = err.message
        if len(msg) > 200:
            msg = msg[:200] + "..."
        out.append((json_path(path), msg))
    return sorted(set(out))


def crd_to_jsonschema(node, root=True):
    """Turns a CRD structural schema into draft-4 JSON schema with the API server's strictness:
    unknown fields are errors unless x-kubernetes-preserve-unknown-fields is set. CEL rules
    (x-kubernetes-validations) are not evaluated; the real control plane does that."""
    if not isinstance(node, dict):
        return node
    s = {}
    for k, v in node.items():
        if k.startswith("x-kubernetes-") or k == "nullable":
            continue
        if k in ("properties", "patternProperties", "definitions"):
            s[k] = {name: crd_to_jsonschema(sub, False) for name, sub in (v or {}).items()}
        elif k in ("items", "additionalProperties", "not"):
            s[k] = [crd_to_jsonschema(x, False) for x in v] if isinstance(v, list) else crd_to_jsonschema(v, False)
        elif k in ("allOf", "anyOf", "oneOf"):
            s[k] = [crd_to_jsonschema(x, False) for x in v]
        else:
            s[k] = v
    if node.get("x-kubernetes-int-or-string"):
        s.pop("type", None)
        s.setdefault("allOf", []).append({"anyOf": [{"type": "integer"}, {"type": "string"}]})
    if node.get("nullable") and "type" in s:
        s["type"] = [s["type"], "null"] if isinstance(s["type"], str) else list(s["type"]) + ["null"]
    if root:
        props = s.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props["metadata"] = {"type": "object"}  # checked separately against ObjectMeta
        s.setdefault("type", "object")
    if "properties" in s and "additionalProperties" not in s \
            and not node.get("x-kubernetes-preserve-unknown-fields"):
        s["additionalProperties"] = False
    return s


def crd_schemas(docs) -> dict:
    """(group, version, kind) -> (source, draft-4 schema) for every CRD among (source, doc) pairs."""
    found = {}
    for source, doc in docs:
        if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
            continue
        spec = doc.get("spec") or {}
        group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
        for v in spec.get("versions") or []:
            sch = (v.get("schema") or {}).get("openAPIV3Schema")
            if group and kind and v.get("name") and sch:
                found[(group, v["name"], kind)] = (source, crd_to_jsonschema(sch))
    return found


def crd_dir_docs(crd_dir: "Path | None") -> list:
    docs = []
    if crd_dir and crd_dir.is_dir():
        for f in sorted(list(crd_dir.rglob("*.yaml")) + list(crd_dir.rglob("*.yml"))):
            try:
                docs += [(str(f), doc) for doc in yaml.safe_load_all(f.read_text())]
            except yaml.YAMLError as e:
                print(f"warning: cannot parse CRD file {f}: {e}")
    return docs


def run_schema(rep: Report, objs, schema_dir: Path, crd_dir: "Path | None"):
    index = SchemaIndex(schema_dir)
    shared = crd_schemas(crd_dir_docs(crd_dir))
    for file in rep.files:
        file_objs = [o for o in objs if o.file == file]
        # CRDs from the same file take precedence over the shared CRD directory.
        crds = {**shared, **crd_schemas((o.file, o.body) for o in file_objs)}
        for o in file_objs:
            v = index.validator(o.api_version, o.kind)
            if v is not None:
                errs = schema_errors(v, o.body)
                for path, msg in errs:
                    rep.schema_errors.append((file, o.ref, path, msg))
                rep.schema_valid += 0 if errs else 1
                continue
            group, _, version = o.api_version.rpartition("/")
            crd = crds.get((group, version, o.kind))
            if crd is None:
                rep.schema_skipped.append((file, o.ref, f"skipped (no schema): kind {o.kind} ({o.api_version})"))
                continue
            source, sch = crd
            errs = schema_errors(jsonschema.Draft4Validator(sch), o.body)
            meta = o.body.get("metadata")
            if isinstance(meta, dict):
                errs += schema_errors(index.object_meta_validator(), meta, prefix=("metadata",))
            for path, msg in errs:
                rep.schema_errors.append((file, o.ref, path, f"{msg} (CRD schema from {source})"))
            if not errs:
                rep.schema_valid += 1
                rep.schema_crd_valid += 1


# ---------------------------------------------------------------------------------------------
# scanners
def run_tool(cmd, cwd=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        return None, f"not found: {cmd[0]} (run scripts/setup-tools.sh)"
    except subprocess.TimeoutExpired:
        return None, f"timed out after 600 s: {' '.join(cmd)}"
    return p, None


def split_checkov_resource(res: str):
    # "Kind.namespace.name" (names may contain dots)
    parts = res.split(".", 2)
    if len(parts) == 3:
        return parts[0], parts[2]
    return res, "?"


def run_checkov(rep: Report, work: Path, checkov: str):
    p, err = run_tool([checkov, "-d", str(work), "--framework", "kubernetes", "--skip-download",
                       "-o", "json", "--compact"], cwd=str(work))
    if err:
        rep.tool_errors.append(("checkov", "*", err))
        return
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError:
        rep.tool_errors.append(("checkov", "*", f"unparseable output (exit {p.returncode}): {(p.stderr or p.stdout)[-400:]}"))
        return
    reports = data if isinstance(data, list) else [data]
    for r in reports:
        if not isinstance(r, dict):
            continue
        if r.get("check_type") not in (None, "kubernetes"):
            continue
        rep.checkov_version = (r.get("summary") or {}).get("checkov_version", rep.checkov_version)
        if (r.get("summary") or {}).get("parsing_errors"):
            for pe in (r.get("results") or {}).get("parsing_errors") or []:
                rep.tool_errors.append(("checkov", os.path.basename(str(pe)), "could not parse file"))
        results = r.get("results") or {}
        for c in results.get("passed_checks") or []:
            rep.passed["checkov"] += 1
        for status, items in (("failed", results.get("failed_checks") or []),
                              ("skipped", results.get("skipped_checks") or [])):
            for c in items:
                kind, name = split_checkov_resource(c.get("resource", "?"))
                msg = c.get("check_name", "")
                if status == "skipped":
                    # checkov.io/skip annotations: exceptions belong in the exemptions file.
                    msg = f"skipped in the manifest ({msg}); in-manifest skips are not allowed, use test/policy/exemptions.yaml"
                rep.findings.append(Finding("checkov", c.get("check_id", "?"), os.path.basename(c.get("file_path", "?")),
                                            kind, name, msg))


KUBE_SCORE_GRADES = {1: "critical", 5: "warning"}


def run_kube_score(rep: Report, work: Path, kube_score: str):
    for file in rep.files:
        p, err = run_tool([kube_score, "score", "-o", "json", "--kubernetes-version", f"v{K8S_VERSION}",
                           "--disable-ignore-checks-annotations", "--disable-optional-checks-annotations",
                           "--enable-optional-test", "container-seccomp-profile", str(work / file)])
        if err:
            rep.tool_errors.append(("kube-score", file, err))
            return
        if p.returncode not in (0, 1) or (not p.stdout.strip() and p.stderr.strip()):
            # kube-score exits 1 for critical findings, but also prints nothing and exits 1
            # when it cannot parse a file: that is a tool error, not a clean result.
            rep.tool_errors.append(("kube-score", file, f"exit {p.returncode}: {p.stderr.strip()[-400:]}"))
            continue
        try:
            data = json.loads(p.stdout or "null") or []
        except json.JSONDecodeError:
            rep.tool_errors.append(("kube-score", file, f"unparseable output (exit {p.returncode}): {(p.stderr or p.stdout)[-400:]}"))
            continue
        for o in data:
            kind = (o.get("type_meta") or {}).get("kind", "?")
            name = (o.get("object_meta") or {}).get("name", "?")
            for c in o.get("checks") or []:
                if c.get("skipped"):
                    continue
                grade = c.get("grade", 10)
                cid = (c.get("check") or {}).get("id", "?")
                if grade not in KUBE_SCORE_GRADES:  # 7 "almost OK" and 10 "all OK" pass
                    rep.passed["kube-score"] += 1
                    continue
                comments = c.get("comments") or [{"summary": (c.get("check") or {}).get("name", cid), "path": ""}]
                for cm in comments:
                    msg = cm.get("summary", "")
                    if cm.get("path"):
                        msg += f" ({cm['path']})"
                    rep.findings.append(Finding("kube-score", cid, file, kind, name, msg, KUBE_SCORE_GRADES[grade]))


def run_polaris(rep: Report, work: Path, polaris: str):
    for file in rep.files:
        p, err = run_tool([polaris, "audit", "--quiet", "--format", "json", "--disallow-exemptions",
                           "--audit-path", str(work / file)])
        if err:
            rep.tool_errors.append(("polaris", file, err))
            return
        try:
            data = json.loads(p.stdout)
        except json.JSONDecodeError:
            rep.tool_errors.append(("polaris", file, f"unparseable output (exit {p.returncode}): {(p.stderr or p.stdout)[-400:]}"))
            continue
        bad = [ln for ln in p.stderr.splitlines() if "level=error" in ln or "skipping" in ln]
        if bad:
            # Polaris skips files it cannot parse and still exits 0.
            rep.tool_errors.append(("polaris", file, bad[-1][-400:]))
        for r in data.get("Results") or []:
            groups = [("", r.get("Results"))]
            pod = r.get("PodResult") or {}
            groups.append(("", pod.get("Results")))
            for c in pod.get("ContainerResults") or []:
                groups.append((f"container {c.get('Name')}: ", c.get("Results")))
            for prefix, results in groups:
                for cid, res in (results or {}).items():
                    if res.get("Success"):
                        rep.passed["polaris"] += 1
                        rep.polaris_counts["successes"] += 1
                        continue
                    sev = res.get("Severity", "")
                    rep.polaris_counts["dangers" if sev == "danger" else "warnings"] += 1
                    rep.findings.append(Finding("polaris", cid, file, r.get("Kind", "?"), r.get("Name", "?"),
                                                prefix + res.get("Message", ""), sev))


def polaris_score(c) -> int:
    # Polaris' CountSummary.GetScore: successes count double, warnings single, dangers double.
    total = c["successes"] * 2 + c["warnings"] + c["dangers"] * 2
    return 100 if total == 0 else int(c["successes"] * 2 / total * 100)


# ---------------------------------------------------------------------------------------------
# one run over a directory
def load_objects(rep: Report, d: Path):
    objs = []
    for file in rep.files:
        try:
            docs = list(yaml.safe_load_all((d / file).read_text()))
        except yaml.YAMLError as e:
            rep.schema_errors.append((file, "-", "-", f"not valid YAML: {e}"))
            continue
        for i, doc in enumerate(docs):
            if doc is None:
                continue
            if not isinstance(doc, dict) or not doc.get("apiVersion") or not doc.get("kind"):
                rep.schema_errors.append((file, f"document #{i + 1}", "(root)", "not a Kubernetes object (apiVersion and kind are required)"))
                continue
            name = (doc.get("metadata") or {}).get("name") or "?"
            objs.append(Obj(file, i, str(doc["apiVersion"]), str(doc["kind"]), str(name), doc))
    return objs


def scan(d: Path, tools: dict, crd_dir: "Path | None") -> Report:
    rep = Report()
    rep.files = sorted(f.name for f in d.glob("*.k8s.yaml") if f.is_file())
    if not rep.files:
        return rep
    objs = load_objects(rep, d)
    run_schema(rep, objs, tools["schemas"], crd_dir)
    # Scan copies of exactly the *.k8s.yaml files, so that nothing else in DIR (and no scanner
    # config file such as .checkov.yaml lying around) influences the result.
    with tempfile.TemporaryDirectory(prefix="policy-") as tmp:
        work = Path(tmp)
        for f in rep.files:
            shutil.copyfile(d / f, work / f)
        run_checkov(rep, work, tools["checkov"])
        run_kube_score(rep, work, tools["kube-score"])
        run_polaris(rep, work, tools["polaris"])
    return rep


def apply_exemptions(rep: Report, exemptions: list):
    for f in rep.findings:
        if "in-manifest skips are not allowed" in f.message:
            continue
        for e in exemptions:
            if e.matches(f):
                f.exempted_by = e
                e.used += 1
                break


def print_report(rep: Report, d: Path, exemptions: list, verbose: bool, fail_on_stale: bool):
    """Prints the report; returns (passed_checks, failed_checks, failure_lines)."""
    failures = []
    by_file_tool = {(f, t): True for f in rep.files for t in TOOLS}

    print(f"== schema: Kubernetes {K8S_VERSION}, strict ==")
    for file, ref, path, msg in rep.schema_errors:
        line = f"FAIL  {d / file}: {ref}: {path}: {msg}"
        print(line)
        failures.append(line)
        by_file_tool[(file, "schema")] = False
    for file, ref, text in rep.schema_skipped:
        print(f"skip  {d / file}: {ref}: {text}")
    print(f"      {rep.schema_valid} objects valid ({rep.schema_crd_valid} against CRD schemas), "
          f"{len({(f, r) for f, r, _, _ in rep.schema_errors})} invalid, {len(rep.schema_skipped)} skipped (no schema)")

    for tool, file, msg in rep.tool_errors:
        line = f"FAIL  {tool} could not run{'' if file == '*' else ' on ' + file}: {msg}"
        print(line)
        failures.append(line)
        for f in rep.files:
            if file in ("*", f):
                by_file_tool[(f, tool)] = False

    for scanner in SCANNERS:
        title = f"checkov {rep.checkov_version}" if scanner == "checkov" else scanner
        print(f"== {title} ==")
        fs = [f for f in rep.findings if f.scanner == scanner]
        for f in fs:
            if f.exempted_by is None:
                line = f"FAIL  {d / f.file}: {f.kind}/{f.name}: {f.check}{' [' + f.severity + ']' if f.severity else ''}: {f.message}"
                print(line)
                failures.append(line)
                by_file_tool[(f.file, scanner)] = False
            elif verbose:
                print(f"exempt {d / f.file}: {f.kind}/{f.name}: {f.check}: {f.message}  (exemption {f.exempted_by.label()}: {f.exempted_by.reason})")
        n_fail = sum(1 for f in fs if f.exempted_by is None)
        n_ex = sum(1 for f in fs if f.exempted_by is not None)
        extra = ""
        if scanner == "kube-score":
            crit = sum(1 for f in fs if f.exempted_by is None and f.severity == "critical")
            extra = f" (critical {crit}, warning {n_fail - crit})"
        print(f"      passed {rep.passed[scanner]}, failed {n_fail}{extra}, exempted {n_ex}")

    # Polaris score gate
    raw = polaris_score(rep.polaris_counts)
    eff_counts = dict(rep.polaris_counts)
    for f in rep.findings:
        if f.scanner == "polaris" and f.exempted_by is not None:
            eff_counts["dangers" if f.severity == "danger" else "warnings"] -= 1
    eff = polaris_score(eff_counts)
    score_ok = eff >= POLARIS_MIN_SCORE and not any(t == "polaris" for t, _, _ in rep.tool_errors)
    print(f"      Polaris score {raw} (as Polaris computes it), {eff} with exemptions; target >= {POLARIS_MIN_SCORE}: "
          f"{'ok' if score_ok else 'FAIL'}")
    if not score_ok:
        failures.append(f"FAIL  Polaris score {eff} < {POLARIS_MIN_SCORE}")

    print("== exemptions ==")
    stale = [e for e in exemptions if e.used == 0]
    for e in exemptions:
        if e.used:
            print(f"used  {e.label()}: {e.used} finding(s): {e.reason}")
    for e in stale:
        word = "FAIL " if fail_on_stale else "warn "
        line = f"{word} stale exemption {e.label()} matches nothing (remove it?)"
        print(line)
        if fail_on_stale:
            failures.append(line)

    passed = sum(1 for ok in by_file_tool.values() if ok) + (1 if score_ok else 0)
    failed = sum(1 for ok in by_file_tool.values() if not ok) + (0 if score_ok else 1)
    if fail_on_stale:
        passed, failed = (passed, failed + 1) if stale else (passed + 1, failed)
    print("== per file (schema / checkov / kube-score / polaris) ==")
    for file in rep.files:
        marks = " ".join("ok  " if by_file_tool[(file, t)] else "FAIL" for t in TOOLS)
        print(f"      {marks}  {file}")
    return passed, failed, failures


# ---------------------------------------------------------------------------------------------
def self_test(broken: Path, tools, exemptions, crd_dir) -> bool:
    """Runs the gate on deliberately bad manifests; passes only if the gate fails for the
    promised reasons (schema error with file/object/path, and every scanner's findings)."""
    print(f"== self-test: {broken} must be rejected ==")
    for e in exemptions:
        e.used = 0
    rep = scan(broken, tools, crd_dir)
    apply_exemptions(rep, exemptions)
    buf = io.StringIO()
    with redirect_stdout(buf):
        _, failed, _ = print_report(rep, broken, exemptions, verbose=False, fail_on_stale=False)
    for line in buf.getvalue().splitlines():
        if not line.startswith(("used ", "warn ")):
            print("  | " + line)
    problems = []
    if not rep.files:
        problems.append(f"no *.k8s.yaml files in {broken}")
    if failed == 0:
        problems.append(f"the run over {broken} did not fail")
    if not any(path == SELF_TEST_UNKNOWN_FIELD and "/" in ref for _, ref, path, _ in rep.schema_errors):
        problems.append(f"no schema error naming the unknown field {SELF_TEST_UNKNOWN_FIELD}")
    for scanner, ids in SELF_TEST_EXPECT.items():
        got = {f.check for f in rep.findings if f.scanner == scanner and f.exempted_by is None}
        missing = ids - got
        if missing:
            problems.append(f"{scanner} did not report {sorted(missing)} (got {sorted(got)})")
    for t, f, m in rep.tool_errors:
        problems.append(f"{t} could not run: {m}")
    for e in exemptions:
        e.used = 0
    if problems:
        for p in problems:
            print(f"FAIL  self-test: {p}")
        return False
    print("ok    self-test: broken manifests rejected (schema: unknown field at "
          f"{SELF_TEST_UNKNOWN_FIELD}; " + "; ".join(f"{s}: {', '.join(sorted(i))}" for s, i in SELF_TEST_EXPECT.items()) + ")")
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default="examples/dist")
    ap.add_argument("--exemptions", default=str(Path(__file__).with_name("exemptions.yaml")))
    ap.add_argument("--crd-dir", default=None)
    ap.add_argument("--schemas", required=True, help="Kubernetes 1.28 local-strict schema directory")
    ap.add_argument("--checkov", required=True)
    ap.add_argument("--kube-score", required=True)
    ap.add_argument("--polaris", required=True)
    ap.add_argument("--self-test", metavar="BROKEN_DIR", help="also prove the gate rejects BROKEN_DIR")
    ap.add_argument("--expect-fail", action="store_true", help="only the self-test, on DIR")
    ap.add_argument("--fail-on-stale", action="store_true", help="stale exemptions fail the run")
    ap.add_argument("-v", "--verbose", action="store_true", help="list exempted findings too")
    a = ap.parse_args()

    tools = {"schemas": Path(a.schemas), "checkov": a.checkov, "kube-score": a.kube_score, "polaris": a.polaris}
    crd_dir = Path(a.crd_dir) if a.crd_dir else None
    try:
        exemptions = load_exemptions(Path(a.exemptions))
    except ExemptionFileError as e:
        print(f"FAIL  invalid exemptions file:\n{e}")
        print("0 passed, 1 failed")
        return 2

    if a.expect_fail:
        ok = self_test(Path(a.dir), tools, exemptions, crd_dir)
        print(f"{1 if ok else 0} passed, {0 if ok else 1} failed")
        return 0 if ok else 1

    d = Path(a.dir)
    if not d.is_dir():
        print(f"FAIL  {d} is not a directory (synthesize the examples first?)")
        print("0 passed, 1 failed")
        return 1
    rep = scan(d, tools, crd_dir)
    if not rep.files:
        print(f"FAIL  no *.k8s.yaml files in {d} (synthesize the examples first?)")
        print("0 passed, 1 failed")
        return 1
    print(f"policy: {len(rep.files)} file(s) in {d}, {len(exemptions)} exemption(s) from {a.exemptions}")
    apply_exemptions(rep, exemptions)
    passed, failed, failures = print_report(rep, d, exemptions, a.verbose, a.fail_on_stale)
    if a.self_test:
        if self_test(Path(a.self_test), tools, exemptions, crd_dir):
            passed += 1
        else:
            failed += 1
            failures.append("FAIL  self-test")
    if failures:
        print(f"== {len(failures)} problem(s) ==")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
