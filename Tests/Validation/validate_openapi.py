#!/usr/bin/env python3
"""Checks docs/openapi.yaml against a live reader-server.

Validates the document itself (openapi-spec-validator), then makes real requests
to every endpoint, for success and for each documented error, and checks that
every answer's status is documented for its operation and that its JSON body
matches the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).

    validate_openapi.py SPEC BASE_URL LIBRARY TOKEN OTHER_LIBRARY OTHER_TOKEN

Run by Tests/EndToEndTests/OpenAPITests.swift against a server it started.
"""
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource


def main():
    spec_path, base, library, token, other_library, other_token = sys.argv[1:7]
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    validate_spec(spec)
    resource = Resource.from_contents({**spec, "$schema": "https://json-schema.org/draft/2020-12/schema"})
    registry = Registry().with_resource("urn:reader-openapi", resource)
    failures = []
    checked = []

    def operation(method, template):
        return spec["paths"][template][method.lower()]

    def schema_for(method, template, status):
        responses = operation(method, template)["responses"]
        response = responses.get(str(status))
        if response is None:
            return None
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
        content = response.get("content", {})
        if "application/json" in content:
            return content["application/json"]["schema"]
        # Bytes (a file), or no body (HEAD): nothing to check against a JSON schema.
        return {"binary": list(content)}

    def call(name, method, template, path, expect, body=None, headers=None, auth=token):
        request = urllib.request.Request(base + path, method=method, data=body)
        if auth is not None:
            request.add_header("Authorization", "Bearer " + auth)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, data = response.status, response.read()
                response_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
            response_type = error.headers.get("Content-Type", "")
        checked.append(f"{method} {path.split('?')[0]} -> {status} ({name})")
        if status != expect:
            failures.append(f"{name}: expected HTTP {expect}, got {status}: {data[:200]!r}")
        schema = schema_for(method, template, status)
        if schema is None:
            failures.append(f"{name}: HTTP {status} is not documented for {method} {template}")
            return status, None
        if "binary" in schema:
            if schema["binary"] and response_type not in schema["binary"]:
                failures.append(f"{name}: HTTP {status} has Content-Type {response_type}, documented {schema['binary']}")
            return status, data
        try:
            document = json.loads(data)
        except ValueError as error:
            failures.append(f"{name}: the body is not JSON: {error}")
            return status, None
        validator = Draft202012Validator({"$ref": "urn:reader-openapi#" + schema["$ref"][1:]} if "$ref" in schema else schema,
                                         registry=registry)
        for error in validator.iter_errors(document):
            failures.append(f"{name}: HTTP {status} body does not match the spec at {list(error.absolute_path)}: {error.message}")
        return status, document

    lib = f"/v1/libraries/{library}"
    push_t = "/v1/libraries/{lib}/push"
    changes_t = "/v1/libraries/{lib}/changes"
    session_t = "/v1/libraries/{lib}/session"
    node = "00000000000000ab"
    now = int(time.time() * 1000)
    paper = str(uuid.uuid5(uuid.NAMESPACE_URL, "openapi-paper"))
    note = str(uuid.uuid5(uuid.NAMESPACE_URL, "openapi-note"))

    def hlc(ms, counter=0):
        return f"{ms:013d}-{counter:04x}-{node}"

    def push_body(changes):
        return json.dumps({"node_id": node, "changes": changes}).encode()

    json_headers = {"Content-Type": "application/json"}

    call("health", "GET", "/v1/health", "/v1/health", 200, auth=None)
    call("session", "GET", session_t, f"{lib}/session?node={node}", 200)
    call("session without a token", "GET", session_t, f"{lib}/session", 401, auth=None)
    call("session with a garbage token", "GET", session_t, f"{lib}/session", 401, auth="rdr_garbage")
    call("session of another library", "GET", session_t, f"/v1/libraries/{other_library}/session", 404)
    call("session of no library", "GET", session_t, "/v1/libraries/nonexistent/session", 404)
    call("session with a bad node", "GET", session_t, f"{lib}/session?node=xyz", 400)
    call("session from an old client", "GET", session_t, f"{lib}/session", 426, headers={"Reader-Protocol": "0"})

    first = push_body([
        {"nseq": 1, "entity": "paper", "id": paper, "field": "title", "value": "OpenAPI", "hlc": hlc(now)},
        {"nseq": 2, "entity": "paper", "id": paper, "field": "authors", "value": ["Ada Lovelace"], "hlc": hlc(now)},
        {"nseq": 3, "entity": "note", "id": note, "field": "body", "value": "one\ntwo", "hlc": hlc(now), "base_rev": 0},
    ])
    _, receipt = call("push", "POST", push_t, f"{lib}/push", 200, first, {**json_headers, "Idempotency-Key": "k1"})
    _, replay = call("push replayed", "POST", push_t, f"{lib}/push", 200, first, {**json_headers, "Idempotency-Key": "k1"})
    if receipt != replay:
        failures.append("a replayed push did not get the identical receipt")
    stale = push_body([
        {"nseq": 4, "entity": "note", "id": note, "field": "body", "value": "stale", "hlc": hlc(now, 1), "base_rev": 0},
        {"nseq": 5, "entity": "paper", "id": paper, "field": "title", "value": "older", "hlc": hlc(now - 10)},
        {"nseq": 6, "entity": "paper", "id": paper, "field": "title", "value": "same clock", "hlc": hlc(now)},
    ])
    _, outcomes = call("push with outcomes", "POST", push_t, f"{lib}/push", 200, stale, {**json_headers, "Idempotency-Key": "k2"})
    if outcomes and [r["outcome"] for r in outcomes["results"]] != ["rebase_required", "superseded", "rejected"]:
        failures.append(f"unexpected outcomes {outcomes['results']}")
    gap = push_body([{"nseq": 9, "entity": "paper", "id": paper, "field": "year", "value": 2024, "hlc": hlc(now, 2)}])
    call("push with an nseq gap", "POST", push_t, f"{lib}/push", 409, gap, {**json_headers, "Idempotency-Key": "k3"})
    call("push reusing numbers", "POST", push_t, f"{lib}/push", 409, first, {**json_headers, "Idempotency-Key": "k4"})
    call("push without a key", "POST", push_t, f"{lib}/push", 400, gap, json_headers)
    call("push that is not JSON", "POST", push_t, f"{lib}/push", 422, b"{not json", {**json_headers, "Idempotency-Key": "k5"})
    call("push of invalid UTF-8", "POST", push_t, f"{lib}/push", 422, b"\xff\xfe", {**json_headers, "Idempotency-Key": "k6"})
    wrong_type = push_body([{"nseq": 7, "entity": "paper", "id": paper, "field": "year", "value": "x", "hlc": hlc(now, 3)}])
    call("push of a wrong type", "POST", push_t, f"{lib}/push", 422, wrong_type, {**json_headers, "Idempotency-Key": "k7"})
    skewed = push_body([{"nseq": 7, "entity": "paper", "id": paper, "field": "year", "value": 1, "hlc": hlc(now + 3_600_000)}])
    call("push from a fast clock", "POST", push_t, f"{lib}/push", 422, skewed, {**json_headers, "Idempotency-Key": "k8"})
    many = push_body([{"nseq": 7 + i, "entity": "paper", "id": paper, "field": "year", "value": i, "hlc": hlc(now, 10 + i)} for i in range(5001)])
    call("push of 5,001 changes", "POST", push_t, f"{lib}/push", 413, many, {**json_headers, "Idempotency-Key": "k9"})
    huge = push_body([{"nseq": 7, "entity": "paper", "id": paper, "field": "abstract", "value": "x" * (2 << 20), "hlc": hlc(now, 4)}])
    call("push of 2 MiB", "POST", push_t, f"{lib}/push", 413, huge, {**json_headers, "Idempotency-Key": "k10"})
    call("push of text/plain", "POST", push_t, f"{lib}/push", 415, gap, {"Content-Type": "text/plain", "Idempotency-Key": "k11"})
    call("push to another library", "POST", push_t, f"/v1/libraries/{other_library}/push", 404, gap, {**json_headers, "Idempotency-Key": "k12"})

    _, page = call("changes", "GET", changes_t, f"{lib}/changes?cursor=0&limit=2", 200)
    call("changes, next page", "GET", changes_t, f"{lib}/changes?cursor={page['cursor'] if page else 0}", 200)
    call("changes with a negative cursor", "GET", changes_t, f"{lib}/changes?cursor=-1", 400)
    call("changes with a huge limit", "GET", changes_t, f"{lib}/changes?limit=5001", 400)
    call("changes with a garbage cursor", "GET", changes_t, f"{lib}/changes?cursor=abc", 400)
    call("changes of another library", "GET", changes_t, f"/v1/libraries/{other_library}/changes", 404)
    call("changes of the other library with its token", "GET", changes_t, f"/v1/libraries/{other_library}/changes", 200, auth=other_token)
    call("dump", "GET", "/v1/libraries/{lib}/dump", f"{lib}/dump", 200)

    # Files.
    import hashlib, os
    missing_t = "/v1/libraries/{lib}/blobs/missing"
    blob_t = "/v1/libraries/{lib}/blobs/{sha256}"
    data = os.urandom(5000)
    digest = hashlib.sha256(data).hexdigest()
    octets = {"Content-Type": "application/octet-stream"}
    call("blobs missing", "POST", missing_t, f"{lib}/blobs/missing", 200, json.dumps({"sha256": [digest]}).encode(), json_headers)
    call("blobs missing with a bad hash", "POST", missing_t, f"{lib}/blobs/missing", 422, json.dumps({"sha256": ["xyz"]}).encode(), json_headers)
    call("blobs missing of another library", "POST", missing_t, f"/v1/libraries/{other_library}/blobs/missing", 404, b'{"sha256":[]}', json_headers)
    call("blob upload", "PUT", blob_t, f"{lib}/blobs/{digest}", 201, data, octets)
    call("blob upload again", "PUT", blob_t, f"{lib}/blobs/{digest}", 200, data, octets)
    call("blob upload under another hash", "PUT", blob_t, f"{lib}/blobs/{'0' * 64}", 422, data, octets)
    call("blob upload under no hash", "PUT", blob_t, f"{lib}/blobs/not-a-hash", 400, data, octets)
    call("blob upload without a token", "PUT", blob_t, f"{lib}/blobs/{digest}", 401, data, octets, auth=None)
    _, whole = call("blob download", "GET", blob_t, f"{lib}/blobs/{digest}", 200)
    if whole != data:
        failures.append("the downloaded blob is not the uploaded bytes")
    _, part = call("blob range", "GET", blob_t, f"{lib}/blobs/{digest}", 206, headers={"Range": "bytes=1000-"})
    if part != data[1000:]:
        failures.append("the blob's range is not the bytes asked for")
    call("blob range past the end", "GET", blob_t, f"{lib}/blobs/{digest}", 416, headers={"Range": "bytes=9000-"})
    call("blob head", "HEAD", blob_t, f"{lib}/blobs/{digest}", 200)
    call("blob of another library", "GET", blob_t, f"/v1/libraries/{other_library}/blobs/{digest}", 404, auth=other_token)
    call("blob not there", "GET", blob_t, f"{lib}/blobs/{'1' * 64}", 404)

    for line in checked:
        print(line)
    if failures:
        print(f"\n{len(failures)} problem(s):", file=sys.stderr)
        for failure in failures:
            print("  " + failure, file=sys.stderr)
        sys.exit(1)
    print(f"all {len(checked)} responses matched docs/openapi.yaml")


if __name__ == "__main__":
    main()
