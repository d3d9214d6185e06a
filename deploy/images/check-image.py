"""Checks a service image from its OCI archive, as a registry or a cluster would run it: not root, the service's port
exposed (PORT: the service's HTTP port, then any other it listens on, comma-separated: 8080,2575), java -jar
quarkus-run.jar as the entrypoint, no private key or password baked in. With --start (as root) it
then runs the image without a container engine: its layers unpacked into a folder, its entrypoint started there under
chroot as the image's user with the image's environment and working directory, until the service answers on its
health endpoint. Prints what it found; exits 1 naming each problem. Usage: check-image.py IMAGE.tar PORT [--start]"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request

path, ports = sys.argv[1], sys.argv[2].split(",")
port = ports[0]
problems = []
with tarfile.open(path) as archive:
    def blob(digest):
        return archive.extractfile("blobs/" + digest.replace(":", "/"))

    index = json.load(archive.extractfile("index.json"))
    manifest = json.load(blob(index["manifests"][0]["digest"]))
    config = json.load(blob(manifest["config"]["digest"]))["config"]
    size = sum(layer["size"] for layer in manifest["layers"])
    suspicious = []
    # The base layer is Debian's; the layers on it hold the application: nothing there may be a key or a secret
    for layer in manifest["layers"][1:]:
        with tarfile.open(fileobj=blob(layer["digest"]), mode="r:*") as files:
            for member in files.getmembers():
                if re.search(r"\.(pem|key|p12|jks|pfx)$|secret|password", member.name, re.I):
                    suspicious.append(member.name)

user = config.get("User", "")
if user in ("", "0", "root") or user.startswith("0:"):
    problems.append(f"runs as root (User {user!r})")
if sorted(config.get("ExposedPorts", {})) != sorted(f"{p}/tcp" for p in ports):
    problems.append(f"exposes {list(config.get('ExposedPorts', {}))}, not {', '.join(p + '/tcp' for p in ports)}")
entrypoint = config.get("Entrypoint") or []
if not entrypoint or entrypoint[0] != "java" or "-jar" not in entrypoint or not entrypoint[-1].endswith("quarkus-run.jar"):
    problems.append(f"entrypoint {entrypoint} is not java ... -jar .../quarkus-run.jar")
if any(re.search(r"PASSWORD|SECRET|TOKEN|JAAS", e.split("=")[0]) for e in config.get("Env", [])):
    problems.append("a secret in the environment")
if suspicious:
    problems.append(f"files that look like secrets: {suspicious}")
print(f"{path}: user {user}, ports {', '.join(ports)}, entrypoint {' '.join(entrypoint)}, {len(manifest['layers'])} layers, "
      f"{size / 1048576:.0f} MiB compressed")


def start(image, port):
    """Unpacks the image and runs its entrypoint under chroot; returns how long until /q/health answered, or raises."""
    rootfs = tempfile.mkdtemp(prefix="image-rootfs-")
    os.chmod(rootfs, 0o755)  # a container's / as a runtime makes it, not mkdtemp's 0700
    mounts = []
    process = None
    try:
        with tarfile.open(image) as archive:
            index = json.load(archive.extractfile("index.json"))
            manifest = json.load(archive.extractfile("blobs/" + index["manifests"][0]["digest"].replace(":", "/")))
            for layer in manifest["layers"]:
                with tarfile.open(fileobj=archive.extractfile("blobs/" + layer["digest"].replace(":", "/")), mode="r:*") as files:
                    # Device files are the runtime's to provide, as /dev is below
                    files.extractall(rootfs, members=[m for m in files.getmembers() if not m.isdev()], numeric_owner=True)
        for source, target, options in (("proc", "proc", ["-t", "proc"]), ("/dev", "dev", ["--bind"])):
            os.makedirs(os.path.join(rootfs, target), exist_ok=True)
            subprocess.run(["mount", *options, source, os.path.join(rootfs, target)], check=True)
            mounts.append(os.path.join(rootfs, target))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            http_port = s.getsockname()[1]
        # Nothing to reach: the service must still start and answer its health endpoint (DOWN, with the reason)
        environment = config.get("Env", []) + [f"QUARKUS_HTTP_PORT={http_port}", "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                                               "LEMSTRIAGE_EHR_BASE_URL=http://127.0.0.1:9/fhir"]
        command = " ".join(f"'{a}'" for a in config["Entrypoint"])
        user = config["User"]
        process = subprocess.Popen(["chroot", f"--userspec={user}:{user}", rootfs, "/usr/bin/env", "-i", *environment,
                                    "/bin/sh", "-c", f"cd '{config['WorkingDir']}' && exec {command}"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        began = time.monotonic()
        while time.monotonic() - began < 120:
            if process.poll() is not None:
                raise RuntimeError(f"exited with {process.returncode}: {process.stdout.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/q/health/live", timeout=2) as answer:
                    body = answer.read()
            except urllib.error.HTTPError as down:
                body = down.read()
            except OSError:
                time.sleep(0.5)
                continue
            if b'"status"' in body:
                return time.monotonic() - began
        os.killpg(process.pid, signal.SIGKILL)
        raise RuntimeError("no answer on /q/health/live within 120 s: " + "\n".join(l for l in process.communicate()[0].decode().splitlines() if "ERROR" in l or "Caused by" in l)[:3000])
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for mount in reversed(mounts):
            subprocess.run(["umount", "-l", mount], check=False)
        shutil.rmtree(rootfs, ignore_errors=True)


if "--start" in sys.argv[3:] and not problems:
    try:
        print(f"  started under chroot as user {user}: /q/health answered after {start(path, port):.1f} s")
    except Exception as failure:  # noqa: BLE001 - what went wrong is the report
        problems.append(f"did not start: {failure}")
for problem in problems:
    print(f"  NOT OK: {problem}")
sys.exit(1 if problems else 0)
