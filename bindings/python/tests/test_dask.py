"""Re-verifying saved dumps past one process: 200 dumps through the Python module on Dask
(a LocalCluster of 2 worker processes) give the verdicts ``cancuoc verify`` gives.

The dumps come from ``cancuoc-issue``: 200 holders, each with their own chip keys, signed by
one test document signer; every tenth has DG13 altered after signing.
"""

import json
import pathlib
import subprocess

import pytest

import cancuoc


def verdict(answer_or_report):
    """What a back office acts on: passive authentication, the chain, each data group."""
    report = answer_or_report.get("report", answer_or_report)
    passive = report["verification"]["passive"]
    return (passive["status"], passive["chain"]["status"], tuple(sorted(passive["data_groups"].items())))


def verify_in_python(dump, csca):
    """Runs on a Dask worker: the dump's return code and verdict."""
    try:
        return 0, verdict(cancuoc.verify(dump, trust=[csca], at="2026-12-04"))
    except cancuoc.CheckFailed as failed:
        return 3, verdict(failed.answer)


def verify_with_the_cli(cli, dump, csca):
    done = subprocess.run(
        [str(cli), "verify", dump, "--json", "--at", "2026-12-04", "--trust", csca],
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 3), done.stderr
    return done.returncode, verdict(json.loads(done.stdout))


def test_dask_verifies_200_dumps_as_the_cli_does(tmp_path, bin_dir):
    distributed = pytest.importorskip("distributed")
    issued = subprocess.run(
        [str(bin_dir / "cancuoc-issue"), "--out", str(tmp_path), "--count", "200", "--tamper-every", "10"],
        capture_output=True,
        text=True,
        check=True,
    )
    tampered = {line.split()[1] for line in issued.stdout.splitlines()}
    assert len(tampered) == 20
    dumps = sorted(str(p) for p in tmp_path.iterdir() if p.is_dir())
    assert len(dumps) == 200
    csca = str(tmp_path / "csca.der")
    expected = [verify_with_the_cli(bin_dir / "cancuoc", dump, csca) for dump in dumps]

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        futures = client.map(verify_in_python, dumps, csca=csca)
        got = client.gather(futures)
        workers = set(client.run(lambda: cancuoc.version()))

    assert len(workers) == 2
    assert got == expected
    failed = {pathlib.Path(dump).name for dump, (code, _) in zip(dumps, got) if code == 3}
    assert failed == tampered
    assert all(v[0] == "valid" and v[1] == "trusted" for code, v in got if code == 0)
