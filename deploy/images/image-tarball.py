"""Wraps one file-system layer (a tar) into an image tarball as `docker save` writes it, the form Jib takes as a base
image (tar://...): manifest.json, the image configuration, the layer. Usage: image-tarball.py LAYER.tar OUT.tar"""
import hashlib
import io
import json
import sys
import tarfile

layer, out = sys.argv[1], sys.argv[2]
digest = hashlib.sha256()
with open(layer, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        digest.update(chunk)
config = {
    "architecture": "amd64",
    "os": "linux",
    "created": "2026-01-01T00:00:00Z",
    "config": {
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64", "LANG=C.UTF-8"],
        "User": "185",
        "WorkingDir": "/home/lems",
    },
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + digest.hexdigest()]},
    "history": [{"created": "2026-01-01T00:00:00Z",
                 "created_by": "deploy/images/build: debootstrap bookworm minbase, openjdk-17-jre-headless, curl, user 185"}],
}
config_bytes = json.dumps(config, sort_keys=True).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": ["lems-triage/jre:17"], "Layers": ["layer.tar"]}]).encode()


def add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


with tarfile.open(out, "w") as archive:
    add(archive, config_name, config_bytes)
    archive.add(layer, "layer.tar")
    add(archive, "manifest.json", manifest)
