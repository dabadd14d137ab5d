"""pip-audit over the installed dependencies, with a summary that says how much was really audited.

A vulnerability fails the check unless security/pip-audit-accepted.txt lists its ID with a reason. When the
vulnerability service cannot be reached (an intranet mirror of PyPI serves packages but not the advisory
API), pip-audit skips every package; that is reported as such — never as "no known vulnerabilities"."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "security" / "pip-audit-accepted.txt"


def accepted_ids() -> set[str]:
    ids = set()
    for line in ACCEPTED.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line.split()[0])
    return ids


def main() -> int:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "pip-audit"), "--skip-editable", "--progress-spinner", "off",
             "--format", "json", "--output", out.name],
            capture_output=True, text=True, timeout=600, check=False)
        try:
            report = json.loads(Path(out.name).read_text() or "{}")
        except json.JSONDecodeError:
            report = {}
    deps = report.get("dependencies")
    if deps is None:
        print(run.stderr.strip()[-2000:], file=sys.stderr)
        print("pip-audit did not produce a report", file=sys.stderr)
        return 1
    skipped = [d for d in deps if "skip_reason" in d]
    audited = len(deps) - len(skipped)
    allowed = accepted_ids()
    found = [(d["name"], d["version"], v["id"]) for d in deps for v in d.get("vulns", [])]
    failing = [f for f in found if f[2] not in allowed]
    for name, version, vid in found:
        mark = "accepted (see security/pip-audit-accepted.txt)" if vid in allowed else "FAIL"
        print(f"  {name} {version}: {vid} {mark}")
    print(f"pip-audit: {audited} of {len(deps)} packages audited, {len(found)} known vulnerabilities, "
          f"{len(failing)} not accepted")
    if skipped and not audited:
        print("pip-audit: the vulnerability service did not answer from this machine, so nothing was audited "
              "(run `make check` where pypi.org's JSON API or osv.dev is reachable)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
