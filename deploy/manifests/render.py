"""A small `kustomize build` for the features deploy/k8s uses, so that the tests can check what a
cluster would get without the kustomize binary: resources (files and directories), patches
(strategic merge, from a file or inline, with or without a target), images and namespace.

`python deploy/manifests/render.py deploy/k8s/overlays/production` prints the result. In front of
a cluster, use the real thing: `kubectl kustomize` / `kubectl apply -k`.
"""

import copy
import sys
from pathlib import Path

import yaml

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}
_MERGE_KEYS = ("name", "mountPath", "containerPort")


def build(directory: Path) -> list[dict]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - {
        "apiVersion",
        "kind",
        "resources",
        "patches",
        "images",
        "namespace",
    }
    if unknown:
        raise ValueError(f"{directory}: this renderer does not know {sorted(unknown)}")
    documents: list[dict] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        if path.is_dir():
            documents += build(path)
        else:
            documents += [d for d in yaml.safe_load_all(path.read_text()) if d]
    for patch in kustomization.get("patches", []):
        documents = _apply_patch(documents, patch, directory)
    for image in kustomization.get("images", []):
        _set_image(documents, image)
    if "namespace" in kustomization:
        for d in documents:
            if d["kind"] not in CLUSTER_SCOPED:
                d["metadata"]["namespace"] = kustomization["namespace"]
    return documents


def _apply_patch(documents: list[dict], entry: dict, directory: Path) -> list[dict]:
    text = entry["patch"] if "patch" in entry else (directory / entry["path"]).read_text()
    body = yaml.safe_load(text)
    target = entry.get("target")
    if target:
        chosen = [d for d in documents if _selected(d, target)]
    else:
        chosen = [
            d
            for d in documents
            if d["kind"] == body["kind"] and d["metadata"]["name"] == body["metadata"]["name"]
        ]
        if not chosen:
            raise ValueError(f"patch {entry} matches no resource")
    result = []
    for d in documents:
        if not any(d is c for c in chosen):
            result.append(d)
            continue
        patch = copy.deepcopy(body)
        if target:  # the target decides what is patched, not the patch's own kind and name
            for key in ("apiVersion", "kind"):
                patch.pop(key, None)
            patch.get("metadata", {}).pop("name", None)
        merged = merge(d, patch)
        if merged is not None:
            result.append(merged)
    return result


def _selected(document: dict, target: dict) -> bool:
    if "kind" in target and document["kind"] != target["kind"]:
        return False
    if "name" in target and document["metadata"]["name"] != target["name"]:
        return False
    labels = document["metadata"].get("labels", {})
    for requirement in filter(None, target.get("labelSelector", "").split(",")):
        key, value = requirement.split("=", 1)
        if labels.get(key.strip()) != value.strip():
            return False
    return True


def merge(original, patch):
    """Strategic merge as Kubernetes does it for these fields: maps merge, null deletes,
    `$patch: delete` removes, lists of named items merge by name (or mountPath, containerPort)."""
    if isinstance(patch, dict) and patch.get("$patch") == "delete":
        return None
    if isinstance(original, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(original)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(original, list) and isinstance(patch, list):
        key = _merge_key(original + patch)
        if key:
            merged = copy.deepcopy(original)
            for item in patch:
                index = next((i for i, o in enumerate(merged) if o[key] == item[key]), None)
                if index is None:
                    merged.append(copy.deepcopy(item))
                else:
                    value = merge(merged[index], item)
                    merged[index : index + 1] = [] if value is None else [value]
            return merged
    return copy.deepcopy(patch)


def _merge_key(items: list) -> str | None:
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    return next((k for k in _MERGE_KEYS if all(k in i for i in items)), None)


def pod_containers(document: dict) -> list[dict]:
    spec = document.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", []) + spec.get("initContainers", [])


def _set_image(documents: list[dict], image: dict) -> None:
    for d in documents:
        for container in pod_containers(d):
            name, _, tag = container["image"].partition(":")
            if name == image["name"]:
                new_name = image.get("newName", name)
                container["image"] = f"{new_name}:{image.get('newTag', tag)}"


if __name__ == "__main__":
    print(yaml.safe_dump_all(build(Path(sys.argv[1])), sort_keys=False), end="")
