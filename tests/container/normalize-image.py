#!/usr/bin/env python3
"""Makes a built image's id depend only on what was built.

    normalize-image.py IN.tar OUT.tar

IN.tar is a docker-archive from `podman save --format docker-archive`. With
--timestamp, buildah 1.28 (Debian 12's podman) already writes byte-identical
layers for the same commit, but its Docker-format config still names the
random working container ("container") and its hostname ("Hostname"); those
alone change the image id from one build to the next. OUT.tar is the same
image with those fields emptied: same layers, same RepoTags, a config whose
digest, and so the image id, is the same for every build of a commit. Newer
builders drop these fields themselves; nothing else in the config is touched.
"""
import hashlib
import io
import json
import sys
import tarfile


def add_bytes(out, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o444
    out.addfile(info, io.BytesIO(data))


def main(src, dst):
    with tarfile.open(src) as t:
        manifest = json.load(t.extractfile("manifest.json"))
        if len(manifest) != 1:
            sys.exit("normalize-image: expected one image in %s" % src)
        entry = manifest[0]
        config = json.load(t.extractfile(entry["Config"]))
        config.pop("container", None)
        for key in ("config", "container_config"):
            if isinstance(config.get(key), dict):
                config[key]["Hostname"] = ""
        raw = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
        config_name = hashlib.sha256(raw).hexdigest() + ".json"
        new_entry = {"Config": config_name, "RepoTags": entry.get("RepoTags") or [],
                     "Layers": entry["Layers"]}
        with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as out:
            add_bytes(out, config_name, raw)
            for layer in entry["Layers"]:
                member = t.getmember(layer)
                info = tarfile.TarInfo(layer)
                info.size = member.size
                info.mode = 0o444
                out.addfile(info, t.extractfile(member))
            add_bytes(out, "manifest.json", json.dumps([new_entry]).encode())
    print(config_name[:-len(".json")])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
