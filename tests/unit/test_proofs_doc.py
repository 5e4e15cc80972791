"""docs/PROOFS.md's test vectors are true: recomputed with the engine's tree and heads, and
the worked proofs accepted by the standalone checker run as an auditor runs it."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from campaign.store.heads import head_message, parse_head
from campaign.store.keys import key_id
from campaign.store.tree import Frontier, Tree, entry, leaf_hash, nodes_at
from tests.proofs import VERIFIER, load_verifier

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "PROOFS.md").read_text(encoding="utf-8")
VECTORS = dict(re.findall(r"<!-- vector (\S+) -->\n```\w*\n(.*?)```", DOC, re.S))


def lines(name: str) -> list[list[str]]:
    return [line.split() for line in VECTORS[name].strip().splitlines()]


def rfc_leaves() -> list[bytes]:
    return [
        b"" if text == "(empty)" else bytes.fromhex(text) for text in VECTORS["rfc-leaves"].split()
    ]


def stored(leaves: list[bytes]) -> tuple[Tree, dict[int, bytes]]:
    hashes = [leaf_hash(data) for data in leaves]
    frontier, blobs = Frontier([]), {}
    for position, leaf in enumerate(hashes, 1):
        blobs[position] = frontier.append(leaf)
    return Tree(lambda p, level: nodes_at(blobs[p], level), hashes.__getitem__), blobs


def test_every_vector_the_doc_names_is_there() -> None:
    assert set(VECTORS) == {
        "event", "entry-prefix", "leaf", "rfc-leaves", "rfc-roots", "stored-nodes",
        "rfc-inclusion", "rfc-consistency", "private-key", "public-key", "key-id",
        "head-message", "head-signature", "inclusion-proof", "consistency-proof",
    }  # fmt: skip


def test_the_event_frames_and_hashes_as_the_doc_says() -> None:
    event = json.loads(VECTORS["event"])
    framed = entry(
        event["originator_id"],
        event["originator_version"],
        event["topic"],
        event["state"].encode(),
    )
    prefix = bytes.fromhex(VECTORS["entry-prefix"].strip())
    assert len(framed) == 357 and len(prefix) == 84
    assert framed == prefix + event["state"].encode()
    assert leaf_hash(framed).hex() == VECTORS["leaf"].strip()


def test_the_rfc_6962_roots_stored_nodes_and_paths() -> None:
    tree, blobs = stored(rfc_leaves())
    for size, root in lines("rfc-roots"):
        assert tree.root(int(size)).hex() == root
    for position, *hashes in lines("stored-nodes"):
        assert blobs[int(position)].hex() == "".join(hashes)
    assert {p for p, blob in blobs.items() if blob} == {
        int(row[0]) for row in lines("stored-nodes")
    }
    for index, size, *path in lines("rfc-inclusion"):
        assert [step.hex() for step in tree.inclusion(int(index), int(size))] == path
    for old, new, *path in lines("rfc-consistency"):
        assert [step.hex() for step in tree.consistency(int(old), int(new))] == path


def test_the_test_key_and_the_signed_head() -> None:
    private = serialization.load_pem_private_key(VECTORS["private-key"].encode(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    public = private.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert pem.decode() == VECTORS["public-key"]
    assert key_id(public) == VECTORS["key-id"].strip()
    tree, _ = stored(rfc_leaves())
    message = head_message(8, tree.root(8), "2020-06-30T08:00:00.000000+00:00")
    assert message.hex() == VECTORS["head-message"].strip()
    signature = private.sign(message)
    assert base64.b64encode(signature).decode() == VECTORS["head-signature"].strip()


@pytest.mark.parametrize("name", ["inclusion-proof", "consistency-proof"])
def test_the_worked_proofs_are_accepted_by_the_standalone_checker(
    name: str, tmp_path: Path
) -> None:
    proof = json.loads(VECTORS[name])
    for head in (proof.get("head"), proof.get("from"), proof.get("to")):
        if head is not None:
            assert parse_head(json.dumps(head)).key_id == VECTORS["key-id"].strip()
    (tmp_path / "test.pub").write_text(VECTORS["public-key"], encoding="utf-8")
    (tmp_path / "proof.json").write_text(VECTORS[name], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(VERIFIER), "proof.json", "--public-key", "test.pub"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if name == "inclusion-proof":
        assert done.stdout.strip() == (
            "valid: event 3 (DailyReport.Reported, report:DM-001:2020-03-20) is in the log of 8"
        )
    proof["path"][0] = proof["path"][0][:-1] + ("0" if proof["path"][0][-1] != "0" else "1")
    (tmp_path / "proof.json").write_text(json.dumps(proof), encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, str(VERIFIER), "proof.json", "--public-key", "test.pub"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1 and refused.stderr.startswith("invalid: ")


@pytest.mark.parametrize("name", ["inclusion-proof", "consistency-proof"])
def test_a_worked_proof_changed_in_any_one_character_is_refused(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every value has one way to be written, so no change of one character still checks
    (an upper-case digit, a stray padding bit, another form of the same time...)."""
    verifier = load_verifier()
    public = tmp_path / "test.pub"
    public.write_text(VECTORS["public-key"], encoding="utf-8")
    text = VECTORS[name]
    path = tmp_path / "proof.json"
    path.write_text(text, encoding="utf-8")
    assert verifier.main([str(path), "--public-key", str(public)]) == 0
    accepted = []
    for i, char in enumerate(text):
        if char.isspace():
            continue  # JSON's own whitespace between values
        for other in {"0", "A", "x", char.swapcase()} - {char}:
            path.write_text(text[:i] + other + text[i + 1 :], encoding="utf-8")
            if verifier.main([str(path), "--public-key", str(public)]) != 1:
                accepted.append((i, char, other))
    capsys.readouterr()
    assert accepted == []


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(format=[1]),
        lambda p: p["event"].update(originator_version=-1),
        lambda p: p["event"].update(originator_version=2**64),
        lambda p: p["head"].update(size=10**30),
        lambda p: p["head"].update(time="garbage"),
        lambda p: p["head"].update(time="2020-06-30T08:00:00Z"),
        lambda p: p["head"].update(signature=1234),
        lambda p: p["head"].update(key_id=None),
        lambda p: p["event"].update(originator_id="\ud800"),
        lambda p: p.update(path="not a list"),
        lambda p: p.update(path=[7]),
    ],
)
def test_a_malformed_proof_is_refused_in_one_line(
    change: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proof = json.loads(VECTORS["inclusion-proof"])
    change(proof)
    (tmp_path / "test.pub").write_text(VECTORS["public-key"], encoding="utf-8")
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof), encoding="utf-8")
    assert load_verifier().main([str(path), "--public-key", str(tmp_path / "test.pub")]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(("error: ", "invalid: "))


def test_deeply_nested_json_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "test.pub").write_text(VECTORS["public-key"], encoding="utf-8")
    path = tmp_path / "proof.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert load_verifier().main([str(path), "--public-key", str(tmp_path / "test.pub")]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ")
