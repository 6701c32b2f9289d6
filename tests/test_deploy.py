"""The Kubernetes manifests (deploy/kubernetes) and the Dockerfile, checked offline.

Every manifest validates against the Kubernetes schemas (strict: an unknown field fails), and
the checks below say what a schema cannot: that the settings exist, that secrets come from
Secrets, that the commands are the gateway's, that labels, ports and paths meet. Each check
returns its problems; a damaged copy of the manifests shows that each one can fail.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from gateway.config import Config, ConfigurationError, environment_names
from gateway.ente import environment_names as ente_environment_names

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "kubernetes"
EXAMPLE_SECRETS = "secret.example.yaml"
# The newest schemas kubernetes-validate ships, and an older release still in support.
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
NAMESPACE = "sportello"

# Settings whose values are secrets: from a Secret, by name, never in the ConfigMap or a
# manifest. The database and Redis URLs are among them: they carry the managed services'
# passwords.
SECRET_VALUES = {
    "SPORTELLO_SECRET_KEY",
    "SPORTELLO_CONNECTOR_PASSWORD",
    "SPORTELLO_SMTP_PASSWORD",
    "SPORTELLO_OIDC_CLIENT_SECRET",
    "SPORTELLO_DATABASE_URL",
    "SPORTELLO_REDIS_URL",
}
# Without these the production profile does not start.
REQUIRED_SECRETS = {
    "SPORTELLO_SECRET_KEY",
    "SPORTELLO_DATABASE_URL",
    "SPORTELLO_CONNECTOR_PASSWORD",
}
# Settings that name files mounted from Secrets: the SP key and the seal key, with the public
# SP certificate and federation certificates kept beside them. Comma-separated lists allowed.
SECRET_FILES = {
    "SPORTELLO_SP_KEY_FILE",
    "SPORTELLO_SP_CERT_FILE",
    "SPORTELLO_SEAL_KEY_FILE",
    "SPORTELLO_AUDIT_LOG_KEY_FILE",
    "SPORTELLO_IDP_METADATA_SIGNER",
}
# The one persistent volume written to: the audit log's checkpoint file, outside the database.
PERSISTENT_WRITABLE = {"sportello-audit-checkpoints"}
# The command each kind of workload must run (after `flask --app gateway`).
COMMANDS = {"worker": ("outbox", "work"), "migrate": ("db", "upgrade"), "jobs": ("jobs", "run")}
# The selector of the migration step (README.md of deploy/kubernetes).
MIGRATION_STEP_EXCLUDES = {"web", "worker", "jobs"}

Resource = dict[str, Any]


@dataclass
class Bundle:
    """What is checked: the kustomization's resources, the example Secrets, the Dockerfile."""

    kustomization: dict[str, Any]
    resources: list[Resource]
    example_secrets: list[Resource]
    dockerfile: str = field(repr=False)


def documents(path: Path) -> list[Resource]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def bundle() -> Bundle:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text(encoding="utf-8"))
    resources = [r for name in kustomization["resources"] for r in documents(DEPLOY / name)]
    return Bundle(
        kustomization=kustomization,
        resources=resources,
        example_secrets=documents(DEPLOY / EXAMPLE_SECRETS),
        dockerfile=(ROOT / "Dockerfile").read_text(encoding="utf-8"),
    )


def find(b: Bundle, kind: str, name: str | None = None) -> list[Resource]:
    return [
        r
        for r in b.resources
        if r["kind"] == kind and (name is None or r["metadata"]["name"] == name)
    ]


def one(b: Bundle, kind: str, name: str | None = None) -> Resource:
    found = find(b, kind, name)
    assert len(found) == 1, f"{kind} {name or ''}: {len(found)} found"
    return found[0]


def template(resource: Resource) -> dict[str, Any] | None:
    """The pod template of a workload (Deployment, Job, CronJob), None for anything else."""
    spec = resource.get("spec", {})
    if resource["kind"] in ("Deployment", "Job"):
        return spec["template"]
    if resource["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]
    return None


def workloads(b: Bundle) -> list[Resource]:
    return [r for r in b.resources if template(r) is not None]


def pod_spec(resource: Resource) -> dict[str, Any]:
    found = template(resource)
    assert found is not None
    return found["spec"]


def pod_labels(resource: Resource) -> dict[str, str]:
    found = template(resource)
    assert found is not None
    return found["metadata"]["labels"]


def component(resource: Resource) -> str:
    return resource["metadata"]["labels"].get("app.kubernetes.io/component", "")


def containers(b: Bundle) -> Iterator[tuple[Resource, dict[str, Any]]]:
    for workload in workloads(b):
        for container in pod_spec(workload)["containers"]:
            yield workload, container


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def config_data(b: Bundle) -> dict[str, str]:
    return one(b, "ConfigMap", "sportello-config")["data"]


def secret_keys(b: Bundle) -> dict[str, dict[str, str]]:
    """Each example Secret's name and its keys with their values."""
    return {
        s["metadata"]["name"]: {**s.get("data", {}), **s.get("stringData", {})}
        for s in b.example_secrets
    }


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n(?:\s*#.*\n)*", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def image_user(dockerfile: str) -> tuple[int | None, int | None, str]:
    """The uid of ``useradd --uid``, the gid of ``groupadd --gid``, the final USER."""
    instructions = dockerfile_instructions(dockerfile)
    final_stage = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    runs = " ".join(rest for word, rest in instructions[final_stage:] if word == "RUN")
    uid = re.search(r"\buseradd\b[^;&|]*--uid[ =](\d+)", runs)
    gid = re.search(r"\bgroupadd\b[^;&|]*--gid[ =](\d+)", runs)
    users = [rest for word, rest in instructions[final_stage:] if word == "USER"]
    return (
        int(uid.group(1)) if uid else None,
        int(gid.group(1)) if gid else None,
        users[-1] if users else "",
    )


def image_cmd(dockerfile: str) -> list[str]:
    cmds = [rest for word, rest in dockerfile_instructions(dockerfile) if word == "CMD"]
    return list(json.loads(cmds[-1])) if cmds else []


def image_env(dockerfile: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in dockerfile_instructions(dockerfile):
        if word == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", rest)))
    return env


# -- the gateway's own command line, asked as an operator would ------------------------------


class GatewayCli:
    """``flask --app gateway ... --help`` and ``gunicorn --help``, run once each and cached."""

    def __init__(self, instance_dir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SPORTELLO_")}
        self.env.update(SPORTELLO_PROFILE="test", SPORTELLO_INSTANCE_DIR=str(instance_dir))
        self.answers: dict[tuple[str, ...], tuple[int, str]] = {}

    def run(self, *args: str) -> tuple[int, str]:
        if args not in self.answers:
            done = subprocess.run(
                [sys.executable, *(args if args[0] == "-c" else ("-m", *args))],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            self.answers[args] = (done.returncode, done.stdout + done.stderr)
        return self.answers[args]

    def python(self, code: str) -> tuple[int, str]:
        return self.run("-c", code)

    def flask(self, *args: str) -> tuple[int, str]:
        return self.run("flask", "--app", "gateway", *args)

    def commands(self) -> set[str]:
        """The groups and commands ``flask --app gateway --help`` lists."""
        code, text = self.flask("--help")
        assert code == 0, text
        listing = text.split("Commands:", 1)[1]
        return set(re.findall(r"^\s{2}(\S+)\s", listing, re.MULTILINE))

    def routes(self) -> set[str]:
        code, text = self.flask("routes")
        assert code == 0, text
        return set(re.findall(r"\s(/\S*)\s*$", text, re.MULTILINE))


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> GatewayCli:
    return GatewayCli(tmp_path_factory.mktemp("instance"))


# -- the checks ---------------------------------------------------------------------------


def schema_problems(b: Bundle, version: str) -> list[str]:
    problems = []
    for resource in [*b.resources, *b.example_secrets]:
        name = f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            path = ".".join(str(p) for p in e.path)
            problems.append(f"{name}: {path}: {e.message}")
        except kubernetes_validate.SchemaNotFoundError as e:
            problems.append(f"{name}: {e.message}")
    return problems


def configmap_problems(b: Bundle) -> list[str]:
    settings = set(environment_names().values()) | set(ente_environment_names().values())
    problems = []
    for key in config_data(b):
        if key not in settings:
            problems.append(f"{key} is not a setting of gateway.config")
        if key in SECRET_VALUES:
            problems.append(f"{key} is a secret: it belongs in a Secret")
    return problems


def secret_problems(b: Bundle) -> list[str]:
    examples = secret_keys(b)
    problems = []
    for workload, container in containers(b):
        where = f"{workload['metadata']['name']}/{container['name']}"
        from_secrets = set()
        for item in container.get("env", []):
            ref = item.get("valueFrom", {}).get("secretKeyRef")
            if ref is None:
                if item["name"] in SECRET_VALUES:
                    problems.append(f"{where}: {item['name']} written in the manifest")
                continue
            from_secrets.add(item["name"])
            if item["name"] not in SECRET_VALUES:
                problems.append(f"{where}: {item['name']} from a Secret is not a secret setting")
            if ref["key"] != item["name"]:
                problems.append(f"{where}: {item['name']} reads the key {ref['key']}")
            if ref["key"] not in examples.get(ref["name"], {}):
                problems.append(f"{where}: Secret {ref['name']} has no key {ref['key']}")
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                problems.append(f"{where}: envFrom a Secret: reference each key by name")
            ref = source.get("configMapRef", {}).get("name")
            if ref is not None and not find(b, "ConfigMap", ref):
                problems.append(f"{where}: no ConfigMap {ref}")
        for missing in sorted(REQUIRED_SECRETS - from_secrets):
            problems.append(f"{where}: {missing} is not read from a Secret")
    for workload in workloads(b):
        for volume in pod_spec(workload).get("volumes", []):
            if "secret" in volume and volume["secret"]["secretName"] not in examples:
                problems.append(f"{volume['secret']['secretName']}: not an example Secret")
    return problems


def mounted_files(b: Bundle, container: dict[str, Any], volumes: list[Any]) -> dict[str, bool]:
    """The file paths a container sees from Secret volumes, with their mount's readOnly."""
    examples = secret_keys(b)
    by_name = {v["name"]: v for v in volumes}
    files = {}
    for mount in container.get("volumeMounts", []):
        secret = by_name[mount["name"]].get("secret")
        if secret is not None:
            for key in examples.get(secret["secretName"], {}):
                files[f"{mount['mountPath'].rstrip('/')}/{key}"] = bool(mount.get("readOnly"))
    return files


def secret_file_problems(b: Bundle) -> list[str]:
    data = config_data(b)
    named = {
        path: setting for setting in SECRET_FILES for path in Config.split(data.get(setting, ""))
    }
    problems = [f"{s} is not set" for s in sorted(SECRET_FILES) if not data.get(s)]
    for workload, container in containers(b):
        where = f"{workload['metadata']['name']}/{container['name']}"
        files = mounted_files(b, container, pod_spec(workload).get("volumes", []))
        for path, setting in sorted(named.items()):
            if path not in files:
                problems.append(f"{where}: {setting} names {path}, which no Secret mounts")
        for path, read_only in sorted(files.items()):
            if path not in named:
                problems.append(f"{where}: {path} is mounted but no setting names it")
            if not read_only:
                problems.append(f"{where}: {path} is mounted writable")
    return problems


def probe_problems(b: Bundle, routes: set[str]) -> list[str]:
    web = one(b, "Deployment", "sportello-web")
    (container,) = pod_spec(web)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    bind = image_env(b.dockerfile).get("GUNICORN_BIND", "")
    expected = {
        "readinessProbe": "/readyz",
        "livenessProbe": "/healthz",
        "startupProbe": "/healthz",
    }
    problems = []
    for probe, path in expected.items():
        get = container.get(probe, {}).get("httpGet")
        if get is None:
            problems.append(f"{probe}: no httpGet")
            continue
        if get["path"] != path:
            problems.append(f"{probe} asks {get['path']}, not {path}")
        if get["path"] not in routes:
            problems.append(f"{probe}: the gateway has no route {get['path']}")
        port = ports.get(get["port"], get["port"])
        if not bind.endswith(f":{port}"):
            problems.append(f"{probe}: port {get['port']} is not gunicorn's ({bind})")
    return problems


def flask_command_problems(cli: GatewayCli, workload: Resource, command: list[str]) -> list[str]:
    where = workload["metadata"]["name"]
    if command[:3] != ["flask", "--app", "gateway"]:
        return [f"{where}: {command} is not a flask command of the gateway"]
    words = [w for w in command[3:] if not w.startswith("-")]
    options = [w.split("=")[0] for w in command[3:] if w.startswith("-")]
    expected = COMMANDS.get(component(workload))
    problems = []
    if expected is not None and tuple(words) != expected:
        problems.append(f"{where}: runs {words}, not {list(expected)}")
    if words and words[0] not in cli.commands():
        return [*problems, f"{where}: flask --app gateway --help lists no {words[0]}"]
    code, text = cli.flask(*words, "--help")
    if code != 0:
        return [*problems, f"{where}: flask --app gateway {' '.join(words)}: {text[-300:]}"]
    for option in options:
        if not re.search(rf"(^|[\s,]){re.escape(option)}\b", text):
            problems.append(f"{where}: {' '.join(words)} has no option {option}")
    # A CronJob's run ends by itself: the command's one-shot form where it has one.
    if workload["kind"] == "CronJob" and "--once" in text and "--once" not in options:
        problems.append(f"{where}: a CronJob must run {' '.join(words)} --once")
    return problems


def gunicorn_command_problems(cli: GatewayCli, b: Bundle, command: list[str]) -> list[str]:
    problems = []
    if command != image_cmd(b.dockerfile):
        problems.append(f"web runs {command}, the image's CMD is {image_cmd(b.dockerfile)}")
    copies = {
        dest: src
        for word, rest in dockerfile_instructions(b.dockerfile)
        if word == "COPY" and not rest.startswith("--from")
        for src, dest in [rest.split()[-2:]]
    }
    config = command[command.index("-c") + 1] if "-c" in command else ""
    if not config or not (ROOT / copies.get(config, "-")).is_file():
        problems.append(f"gunicorn's {config or 'missing -c'} is no file the image copies")
    module, _, attribute = command[-1].partition(":")
    code, text = cli.python(
        f"import {module} as m; import sys; sys.exit(not callable(getattr(m, {attribute!r}, 0)))"
    )
    if code != 0:
        problems.append(f"{command[-1]}: {module} has no WSGI app {attribute} ({text[-200:]})")
    code, text = cli.run("gunicorn", "--help")
    assert code == 0, text
    for flag in (w for w in command[1:] if w.startswith("-")):
        if not re.search(rf"(^|[\s,]){re.escape(flag)}\b", text):
            problems.append(f"gunicorn has no option {flag}")
    return problems


def command_problems(b: Bundle, cli: GatewayCli) -> list[str]:
    problems = []
    for workload, container in containers(b):
        command = [*container.get("command", []), *container.get("args", [])]
        if component(workload) == "web":
            problems += gunicorn_command_problems(cli, b, command)
        else:
            problems += flask_command_problems(cli, workload, command)
    return problems


def security_problems(b: Bundle) -> list[str]:
    uid, gid, user = image_user(b.dockerfile)
    problems = []
    if uid is None or gid is None:
        return ["the Dockerfile's final stage has no useradd --uid / groupadd --gid"]
    if user != f"{uid}:{gid}":
        problems.append(f"the image's USER is {user!r}, not {uid}:{gid} (numeric)")
    instance_default = image_env(b.dockerfile).get("SPORTELLO_INSTANCE_DIR", "")
    for workload in workloads(b):
        name = workload["metadata"]["name"]
        spec = pod_spec(workload)
        pod = spec.get("securityContext", {})
        wanted = {"runAsNonRoot": True, "runAsUser": uid, "runAsGroup": gid, "fsGroup": gid}
        for key, value in wanted.items():
            if pod.get(key) != value:
                problems.append(f"{name}: pod {key} is {pod.get(key)!r}, not {value!r}")
        if pod.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{name}: seccomp profile is not RuntimeDefault")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: mounts a service account token")
        if spec.get("enableServiceLinks") is not False:
            problems.append(f"{name}: Service links would add SPORTELLO_*-like variables")
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in spec["containers"]:
            where = f"{name}/{container['name']}"
            context = container.get("securityContext", {})
            if context.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: privilege escalation allowed")
            if context.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: root file system writable")
            if context.get("capabilities") != {"drop": ["ALL"]}:
                problems.append(f"{where}: capabilities {context.get('capabilities')}")
            if context.get("privileged") or context.get("runAsUser", uid) != uid:
                problems.append(f"{where}: runs privileged or as another user")
            writable = {
                m["mountPath"]: volumes[m["name"]]
                for m in container.get("volumeMounts", [])
                if not m.get("readOnly")
            }
            for path, volume in writable.items():
                claim = volume.get("persistentVolumeClaim", {}).get("claimName")
                if "emptyDir" not in volume and claim not in PERSISTENT_WRITABLE:
                    problems.append(f"{where}: {path} writable and not an emptyDir")
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            instance = env.get("SPORTELLO_INSTANCE_DIR") or instance_default
            for needed in (instance, "/tmp"):
                if needed not in writable:
                    problems.append(f"{where}: {needed or 'the instance folder'} not writable")
    return problems


def wiring_problems(b: Bundle) -> list[str]:
    problems = []
    pods = {w["metadata"]["name"]: pod_labels(w) for w in workloads(b)}
    image = b.kustomization["images"][0]["name"]
    for resource in b.resources:
        namespace = resource["metadata"].get("namespace", resource["metadata"]["name"])
        if namespace != NAMESPACE or b.kustomization.get("namespace") != NAMESPACE:
            problems.append(f"{resource['kind']}/{resource['metadata']['name']}: namespace")
    for workload in workloads(b):
        name, spec = workload["metadata"]["name"], pod_spec(workload)
        labels = pod_labels(workload)
        if component(workload) != labels.get("app.kubernetes.io/component"):
            problems.append(f"{name}: its pods' component is not its own")
        selector = workload["spec"].get("selector", {}).get("matchLabels")
        if selector is not None and not matches(selector, labels):
            problems.append(f"{name}: selector does not match its pods")
        for spread in spec.get("topologySpreadConstraints", []):
            if not matches(spread["labelSelector"]["matchLabels"], labels):
                problems.append(f"{name}: spread constraint selects other pods")
        if not find(b, "ServiceAccount", spec.get("serviceAccountName")):
            problems.append(f"{name}: no ServiceAccount {spec.get('serviceAccountName')}")
        for container in spec["containers"]:
            if container["image"] != image:
                problems.append(f"{name}: image {container['image']} is not {image}")
    web = one(b, "Deployment", "sportello-web")
    (web_container,) = pod_spec(web)["containers"]
    web_ports = {p["name"] for p in web_container.get("ports", [])}
    service = one(b, "Service")
    if not matches(service["spec"]["selector"], pod_labels(web)):
        problems.append("the Service does not select the web pods")
    for port in service["spec"]["ports"]:
        if port["targetPort"] not in web_ports:
            problems.append(f"the Service targets {port['targetPort']}, no web port")
    for rule in one(b, "Ingress")["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            if backend["name"] != service["metadata"]["name"] or backend["port"].get(
                "name"
            ) not in {p["name"] for p in service["spec"]["ports"]}:
                problems.append(f"the Ingress sends {backend} to no Service port")
    for hpa in find(b, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        scaled = find(b, target["kind"], target["name"])
        if not scaled:
            problems.append(f"the autoscaler scales {target['name']}, which does not exist")
        elif "replicas" in scaled[0]["spec"]:
            problems.append(f"{target['name']} sets replicas, which would undo the autoscaler")
    for pdb in find(b, "PodDisruptionBudget"):
        selected = [
            n
            for n, labels in pods.items()
            if matches(pdb["spec"]["selector"]["matchLabels"], labels)
        ]
        if not selected:
            problems.append(f"PodDisruptionBudget {pdb['metadata']['name']} selects no pods")
    for policy in find(b, "NetworkPolicy"):
        selector = policy["spec"]["podSelector"].get("matchLabels", {})
        if selector and not any(matches(selector, labels) for labels in pods.values()):
            problems.append(f"NetworkPolicy {policy['metadata']['name']} selects no pods")
        for rule in policy["spec"].get("ingress", []):
            for port in rule.get("ports", []):
                if isinstance(port["port"], str) and port["port"] not in web_ports:
                    problems.append(f"NetworkPolicy port {port['port']} is no web port")
    # The migration step applies everything the Job needs, and the Job, but no workload.
    step = [r for r in b.resources if component(r) not in MIGRATION_STEP_EXCLUDES]
    kinds = {r["kind"] for r in step}
    for needed in ("Job", "ConfigMap", "ServiceAccount", "NetworkPolicy", "Namespace"):
        if needed not in kinds:
            problems.append(f"the migration step applies no {needed}")
    for resource in step:
        if resource["kind"] in ("Deployment", "CronJob"):
            problems.append(f"the migration step would also apply {resource['metadata']['name']}")
    return problems


def nginx_size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * units.get(unit, 1)


def ingress_problems(b: Bundle) -> list[str]:
    from gateway.cobrowse.live import LiveSettings

    data = config_data(b)
    host = urlsplit(data["SPORTELLO_BASE_URL"]).hostname
    ingress = one(b, "Ingress")
    annotations = ingress["metadata"].get("annotations", {})
    problems = []
    if [r["host"] for r in ingress["spec"]["rules"]] != [host]:
        problems.append(
            f"the Ingress serves {[r.get('host') for r in ingress['spec']['rules']]}, not {host}"
        )
    if not any(host in t.get("hosts", []) for t in ingress["spec"].get("tls", [])):
        problems.append(f"no TLS for {host}")
    keepalive = LiveSettings().keepalive_seconds
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        value = int(annotations.get(f"nginx.ingress.kubernetes.io/{timeout}", "60"))
        if value < 3 * keepalive:
            problems.append(f"{timeout} {value}s: live-help streams are silent {keepalive}s")
    limit = int(data.get("SPORTELLO_MAX_CONTENT_LENGTH", Config.max_content_length))
    body = nginx_size(annotations.get("nginx.ingress.kubernetes.io/proxy-body-size", "1m"))
    if body < limit:
        problems.append(f"proxy-body-size {body} is below SPORTELLO_MAX_CONTENT_LENGTH {limit}")
    return problems


def url_port(url: str, default: int) -> int:
    parts = urlsplit(url)
    return parts.port or {"https": 443, "http": 80}.get(parts.scheme, default)


def network_problems(b: Bundle) -> list[str]:
    data = config_data(b)
    env = secret_keys(b)["sportello-env"]
    policies = find(b, "NetworkPolicy")
    problems = []
    denies = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {}
        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    if not denies:
        problems.append("no default-deny policy")
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                if set(peer) != {"namespaceSelector"}:
                    problems.append(f"{policy['metadata']['name']}: ingress from {peer}")
        if policy["spec"].get("ingress"):
            selector = policy["spec"]["podSelector"].get("matchLabels", {})
            if selector.get("app.kubernetes.io/component") != "web":
                problems.append(f"{policy['metadata']['name']}: ingress to non-web pods")
    needed = {
        ("UDP", 53): "DNS",
        ("TCP", url_port(env["SPORTELLO_DATABASE_URL"], 5432)): "PostgreSQL",
        ("TCP", url_port(env["SPORTELLO_REDIS_URL"], 6379)): "Redis",
        ("TCP", int(data.get("SPORTELLO_SMTP_PORT", Config.smtp_port))): "SMTP",
        ("TCP", url_port(data["SPORTELLO_SIMULATORS_URL"], 443)): "the legacy services",
    }
    for variable in ("SPORTELLO_IDP_METADATA", "SPORTELLO_CIE_IDP_METADATA"):
        for location in Config.split(data.get(variable, "")):
            needed[("TCP", url_port(location, 443))] = variable
    for workload in workloads(b):
        labels = pod_labels(workload)
        allowed = {
            (port.get("protocol", "TCP"), port["port"])
            for p in policies
            if matches(p["spec"]["podSelector"].get("matchLabels", {}), labels)
            for rule in p["spec"].get("egress", [])
            for port in rule.get("ports", [])
        }
        for key, what in needed.items():
            if key not in allowed:
                problems.append(f"{workload['metadata']['name']}: no egress to {what} {key}")
    return problems


def production_config_problems(b: Bundle, root: Path, secret_key: str | None) -> list[str]:
    """Start the production configuration from the manifests, the example Secrets' files
    written under ``root`` (their placeholder contents), the secret key replaced if given."""
    data = dict(config_data(b))
    env = {**data, **secret_keys(b)["sportello-env"]}
    if secret_key is not None:
        env["SPORTELLO_SECRET_KEY"] = secret_key
    workload = one(b, "Deployment", "sportello-web")
    (container,) = pod_spec(workload)["containers"]
    volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
    examples = secret_keys(b)
    for mount in container.get("volumeMounts", []):
        secret = volumes[mount["name"]].get("secret")
        if secret is None:
            continue
        for key, value in examples.get(secret["secretName"], {}).items():
            path = root / mount["mountPath"].lstrip("/") / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(value, encoding="utf-8")
    for setting in SECRET_FILES & env.keys():
        env[setting] = ",".join(str(root / p.lstrip("/")) for p in Config.split(env[setting]))
    try:
        Config.from_env(env)
    except (ConfigurationError, OSError) as e:
        return [str(e)]
    return []


# -- the tests ----------------------------------------------------------------------------


def test_the_kustomization_lists_every_manifest_but_the_example_secrets() -> None:
    listed = set(bundle().kustomization["resources"])
    present = {p.name for p in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    assert EXAMPLE_SECRETS not in listed
    assert listed == present - {EXAMPLE_SECRETS}
    assert not find(bundle(), "Secret"), "a Secret with values in the kustomization"


def test_the_example_secrets_hold_placeholders_only() -> None:
    for name, keys in secret_keys(bundle()).items():
        for key, value in keys.items():
            assert "change-me" in value, f"{name}.{key} looks like a real value"


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_matches_the_kubernetes_schemas(version: str) -> None:
    assert schema_problems(bundle(), version) == []


def test_the_configmap_holds_gateway_settings_only() -> None:
    assert configmap_problems(bundle()) == []


def test_secrets_come_from_secrets_by_name() -> None:
    assert secret_problems(bundle()) == []


def test_the_settings_name_the_mounted_secret_files() -> None:
    assert secret_file_problems(bundle()) == []


def test_the_probes_ask_the_gateway_s_health_and_readiness(cli: GatewayCli) -> None:
    assert probe_problems(bundle(), cli.routes()) == []


def test_each_workload_runs_a_command_the_gateway_has(cli: GatewayCli) -> None:
    assert {"db", "outbox", "jobs"} <= cli.commands()
    assert command_problems(bundle(), cli) == []


def test_pods_run_as_the_image_s_user_without_privileges() -> None:
    assert image_user(bundle().dockerfile)[0] == 10001
    assert security_problems(bundle()) == []


def test_labels_ports_and_names_meet() -> None:
    assert wiring_problems(bundle()) == []


def test_the_ingress_serves_the_base_url_and_keeps_streams_open() -> None:
    assert ingress_problems(bundle()) == []


def test_network_policies_let_through_what_the_settings_name() -> None:
    assert network_problems(bundle()) == []


def test_the_manifests_make_a_production_configuration(tmp_path: Path) -> None:
    key = secrets.token_urlsafe(48)
    assert production_config_problems(bundle(), tmp_path / "a", key) == []
    # As it is, the example's placeholder secret key is refused.
    refused = production_config_problems(bundle(), tmp_path / "b", None)
    assert len(refused) == 1 and "SPORTELLO_SECRET_KEY" in refused[0]


def web_container(b: Bundle) -> dict[str, Any]:
    return pod_spec(one(b, "Deployment", "sportello-web"))["containers"][0]


def worker_container(b: Bundle) -> dict[str, Any]:
    return pod_spec(one(b, "Deployment", "sportello-worker"))["containers"][0]


def cron_container(b: Bundle) -> dict[str, Any]:
    return pod_spec(one(b, "CronJob"))["containers"][0]


def env_item(container: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in container["env"] if e["name"] == name)


def drop_env(container: dict[str, Any], name: str) -> None:
    container["env"] = [e for e in container["env"] if e["name"] != name]


def inline_password(container: dict[str, Any]) -> None:
    item = env_item(container, "SPORTELLO_CONNECTOR_PASSWORD")
    del item["valueFrom"]
    item["value"] = "hunter2"


Damage = Callable[[Bundle], Any]
CHECKS: dict[str, Callable[[Bundle, GatewayCli, Path], list[str]]] = {
    "schema": lambda b, cli, tmp: schema_problems(b, KUBERNETES_VERSIONS[-1]),
    "configmap": lambda b, cli, tmp: configmap_problems(b),
    "secrets": lambda b, cli, tmp: secret_problems(b),
    "files": lambda b, cli, tmp: secret_file_problems(b),
    "probes": lambda b, cli, tmp: probe_problems(b, cli.routes()),
    "commands": lambda b, cli, tmp: command_problems(b, cli),
    "security": lambda b, cli, tmp: security_problems(b),
    "wiring": lambda b, cli, tmp: wiring_problems(b),
    "ingress": lambda b, cli, tmp: ingress_problems(b),
    "network": lambda b, cli, tmp: network_problems(b),
    "production": lambda b, cli, tmp: production_config_problems(b, tmp, "k" * 48),
}
DAMAGES: list[tuple[str, str, Damage]] = [
    (
        "schema",
        "unknown field",
        lambda b: web_container(b)["readinessProbe"].update(path="/readyz"),
    ),
    ("schema", "wrong type", lambda b: web_container(b)["ports"][0].update(containerPort="8000")),
    ("configmap", "made-up key", lambda b: config_data(b).update(SPORTELLO_COLOUR="blue")),
    ("configmap", "secret in it", lambda b: config_data(b).update(SPORTELLO_SECRET_KEY="x")),
    ("secrets", "value in manifest", lambda b: inline_password(worker_container(b))),
    (
        "secrets",
        "wrong key",
        lambda b: env_item(web_container(b), "SPORTELLO_SECRET_KEY")["valueFrom"][
            "secretKeyRef"
        ].update(key="SECRET_KEY"),
    ),
    ("secrets", "missing", lambda b: drop_env(cron_container(b), "SPORTELLO_DATABASE_URL")),
    (
        "files",
        "path",
        lambda b: config_data(b).update(SPORTELLO_SP_KEY_FILE="/etc/sportello/sp/key.pem"),
    ),
    (
        "files",
        "unmounted",
        lambda b: web_container(b).update(
            volumeMounts=[m for m in web_container(b)["volumeMounts"] if m["name"] != "seal"]
        ),
    ),
    (
        "probes",
        "readiness",
        lambda b: web_container(b)["readinessProbe"]["httpGet"].update(path="/healthz"),
    ),
    (
        "probes",
        "liveness",
        lambda b: web_container(b)["livenessProbe"]["httpGet"].update(path="/ready"),
    ),
    ("probes", "port", lambda b: web_container(b)["ports"][0].update(containerPort=8080)),
    (
        "commands",
        "typo",
        lambda b: worker_container(b).update(
            command=["flask", "--app", "gateway", "outbox", "wrok"]
        ),
    ),
    (
        "commands",
        "other",
        lambda b: worker_container(b).update(
            command=["flask", "--app", "gateway", "db", "upgrade"]
        ),
    ),
    (
        "commands",
        "group",
        lambda b: cron_container(b).update(command=["flask", "--app", "gateway", "cron", "run"]),
    ),
    ("commands", "forever", lambda b: cron_container(b)["command"].remove("--once")),
    ("commands", "option", lambda b: cron_container(b)["command"].append("--twice")),
    (
        "commands",
        "wsgi",
        lambda b: web_container(b)["command"].__setitem__(-1, "gateway.wsgi:application"),
    ),
    (
        "commands",
        "gunicorn flag",
        lambda b: web_container(b)["command"].insert(1, "--no-such-flag"),
    ),
    (
        "security",
        "uid",
        lambda b: pod_spec(one(b, "Job"))["securityContext"].update(runAsUser=1000),
    ),
    (
        "security",
        "image uid",
        lambda b: setattr(b, "dockerfile", b.dockerfile.replace("--uid 10001", "--uid 10002")),
    ),
    (
        "security",
        "image user",
        lambda b: setattr(
            b, "dockerfile", b.dockerfile.replace("USER 10001:10001", "USER sportello")
        ),
    ),
    (
        "security",
        "writable root",
        lambda b: web_container(b)["securityContext"].update(readOnlyRootFilesystem=False),
    ),
    (
        "security",
        "capability",
        lambda b: cron_container(b)["securityContext"]["capabilities"].update(add=["NET_RAW"]),
    ),
    (
        "security",
        "no /tmp",
        lambda b: worker_container(b).update(
            volumeMounts=[
                m for m in worker_container(b)["volumeMounts"] if m["mountPath"] != "/tmp"
            ]
        ),
    ),
    ("security", "service links", lambda b: pod_spec(one(b, "CronJob")).pop("enableServiceLinks")),
    (
        "wiring",
        "service selector",
        lambda b: one(b, "Service")["spec"]["selector"].update(
            {"app.kubernetes.io/component": "website"}
        ),
    ),
    (
        "wiring",
        "replicas",
        lambda b: one(b, "Deployment", "sportello-web")["spec"].update(replicas=3),
    ),
    (
        "wiring",
        "autoscaler target",
        lambda b: one(b, "HorizontalPodAutoscaler")["spec"]["scaleTargetRef"].update(name="web"),
    ),
    (
        "wiring",
        "budget",
        lambda b: one(b, "PodDisruptionBudget", "sportello-worker")["spec"]["selector"][
            "matchLabels"
        ].update({"app.kubernetes.io/component": "workers"}),
    ),
    (
        "wiring",
        "migration step",
        lambda b: one(b, "ConfigMap")["metadata"]["labels"].update(
            {"app.kubernetes.io/component": "web"}
        ),
    ),
    (
        "ingress",
        "host",
        lambda b: one(b, "Ingress")["spec"]["rules"][0].update(host="other.example"),
    ),
    (
        "ingress",
        "timeout",
        lambda b: one(b, "Ingress")["metadata"]["annotations"].update(
            {"nginx.ingress.kubernetes.io/proxy-read-timeout": "5"}
        ),
    ),
    (
        "ingress",
        "body size",
        lambda b: one(b, "Ingress")["metadata"]["annotations"].pop(
            "nginx.ingress.kubernetes.io/proxy-body-size"
        ),
    ),
    (
        "network",
        "database port",
        lambda b: secret_keys_of(b, "sportello-env").update(
            SPORTELLO_DATABASE_URL="postgresql+psycopg://s:change-me@db.example:5433/s"
        ),
    ),
    (
        "network",
        "default deny",
        lambda b: b.resources.remove(one(b, "NetworkPolicy", "sportello-default-deny")),
    ),
    (
        "network",
        "open ingress",
        lambda b: one(b, "NetworkPolicy", "sportello-web-from-ingress")["spec"]["ingress"][0][
            "from"
        ].append({"ipBlock": {"cidr": "0.0.0.0/0"}}),
    ),
    ("production", "test IdP", lambda b: config_data(b).update(SPORTELLO_TEST_IDP="true")),
    ("production", "no seal key", lambda b: config_data(b).pop("SPORTELLO_SEAL_KEY_FILE")),
    (
        "production",
        "http metadata",
        lambda b: config_data(b).update(SPORTELLO_IDP_METADATA="http://registry.example/idps.xml"),
    ),
]


def secret_keys_of(b: Bundle, name: str) -> dict[str, str]:
    secret = next(s for s in b.example_secrets if s["metadata"]["name"] == name)
    values: dict[str, str] = secret["stringData"]
    return values


@pytest.mark.parametrize(
    ("check", "damage"),
    [(check, damage) for check, _, damage in DAMAGES],
    ids=[f"{check}: {what}" for check, what, _ in DAMAGES],
)
def test_each_check_refuses_a_damaged_copy(
    check: str, damage: Damage, cli: GatewayCli, tmp_path: Path
) -> None:
    damaged = copy.deepcopy(pristine())
    damage(damaged)
    assert CHECKS[check](damaged, cli, tmp_path) != []


@cache
def pristine() -> Bundle:
    return bundle()


# -- the Dockerfile -----------------------------------------------------------------------


def hadolint(dockerfile: Path) -> tuple[int, list[dict[str, Any]]]:
    binary = Path(sys.executable).parent / "hadolint"
    done = subprocess.run(
        [
            str(binary),
            "--config",
            str(ROOT / ".hadolint.yaml"),
            "--format",
            "json",
            str(dockerfile),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, json.loads(done.stdout or "[]")


def test_the_dockerfile_passes_hadolint() -> None:
    assert hadolint(ROOT / "Dockerfile") == (0, [])


def test_hadolint_finds_what_the_dockerfile_avoids(tmp_path: Path) -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    damaged = text.replace("USER 10001:10001", "USER sportello").replace(
        'CMD ["gunicorn", "-c", "/opt/deploy/gunicorn.conf.py", "--no-control-socket", '
        '"gateway.wsgi:app"]',
        "CMD gunicorn -c /opt/deploy/gunicorn.conf.py gateway.wsgi:app",
    )
    assert damaged != text
    (tmp_path / "Dockerfile").write_text(damaged, encoding="utf-8")
    code, findings = hadolint(tmp_path / "Dockerfile")
    assert code != 0
    assert {f["code"] for f in findings} == {"DL3066", "DL3025"}
