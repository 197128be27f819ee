"""The container image and the Kubernetes manifests, checked offline (issue 15, item 7).

There is no cluster and no Docker daemon here, so what can be known without them is checked:

- ``kubectl kustomize`` renders the base and the production overlay, and every object validates
  against the Kubernetes 1.28 schema in strict mode (``kubernetes-validate`` bundles the schemas:
  an unknown or misspelled field fails, not only a wrong type);
- what the cluster does with them: probes on paths the servers really answer without a token,
  non-root pods on a read-only root with the writable paths mounted, cookie affinity for
  socket.io, Rasa's API never on the Ingress, a Secret of names without values, the HPA on the
  Rasa Deployment, the containers running the launcher's own commands on the ports the Services
  and probes use, and the migration Job's command migrating a real database;
- the entrypoint's refusals (no generated secrets, no scratch-volume SQLite) and its
  wait-for-schema gate, on real SQLite databases;
- the Dockerfile: its stages, that it installs and trains exactly as the Makefile does, that every
  COPY source exists and passes .dockerignore, that nothing private enters the build context, a
  numeric non-root USER matching the pods, and that the modules its CMD and the pods run import.

Without kubectl the rendering tests are skipped on a developer's machine and fail under CI
(``CI`` set), like the browser tests (tests/browser.py): a skip there would hide a missing install.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from bot.launcher import SECRET_NAMES, StackConfig, redis_lock_store, stack_commands
from bot.persistence import migrate
from bot.settings import PROJECT_ROOT
from deploy import entrypoint

K8S_DIR = PROJECT_ROOT / "deploy" / "k8s"
BASE_DIR = K8S_DIR / "base"
PRODUCTION_DIR = K8S_DIR / "overlays" / "production"
SECRETS_EXAMPLE = BASE_DIR / "secrets.example.env"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
MAKEFILE = PROJECT_ROOT / "Makefile"
# The newest schema kubernetes-validate 1.28.3 bundles (the last release that runs on Rasa's
# jsonschema 4.17); every API used here is GA long before it.
KUBERNETES_VERSION = "1.28"
# What the Secret must carry: the launcher's secrets plus where the data, the locks and the keys are.
SECRET_KEYS = (*SECRET_NAMES, "DATABASE_URL", "REDIS_URL", "KEYSTORE_URL")
# Measured resident memory of one Rasa process with the model loaded (README, "Deploying at scale").
RASA_MEASURED_RSS_BYTES = int(1.2 * 1024**3)
ROLE_PROCESS = entrypoint.ROLES  # a Deployment's role argument -> the launcher's process name


# --------------------------------------------------------------------------------------------
# Rendering


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found:
        return found
    message = "kubectl not found: it renders the kustomize manifests (install kubectl, which bundles kustomize)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def render(directory: Path) -> list[dict[str, Any]]:
    """``kubectl kustomize`` of one kustomization, as the objects it prints."""
    result = subprocess.run(
        [kubectl(), "kustomize", str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"kubectl kustomize {directory} failed:\n{result.stderr}"
    return [obj for obj in yaml.safe_load_all(result.stdout) if obj]


def made_up_values() -> dict[str, str]:
    """Values for the production overlay's secrets.env in a copy of the tree: made here, never real."""
    values = {name: secrets.token_urlsafe(32) for name in SECRET_NAMES}
    password = secrets.token_urlsafe(12)
    values["DATABASE_URL"] = f"postgresql://advocate:{password}@advocate-postgres:5432/advocate"
    values["REDIS_URL"] = f"redis://:{password}@advocate-redis:6379/0"
    values["KEYSTORE_URL"] = f"postgresql://advocate_keys:{password}@advocate-postgres:5432/advocate_keys"
    return values


@dataclass(frozen=True)
class Rendered:
    name: str
    objects: list[dict[str, Any]]
    secret_values: dict[str, str]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [obj for obj in self.objects if obj["kind"] == kind]

    def one(self, kind: str, name: str) -> dict[str, Any]:
        found = [obj for obj in self.of_kind(kind) if obj["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind} {name} in {self.name}, found {len(found)}"
        return found[0]

    def named_like(self, kind: str, prefix: str) -> dict[str, Any]:
        """A generated ConfigMap or Secret (kustomize adds a content hash to its name)."""
        found = [obj for obj in self.of_kind(kind) if obj["metadata"]["name"].startswith(f"{prefix}-")]
        assert len(found) == 1, f"expected one generated {kind} {prefix}-<hash> in {self.name}"
        return found[0]

    def workloads(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(object, pod spec) of every Deployment and Job."""
        return [(obj, obj["spec"]["template"]["spec"]) for obj in [*self.of_kind("Deployment"), *self.of_kind("Job")]]

    def config(self) -> dict[str, str]:
        return dict(self.named_like("ConfigMap", "advocate-config")["data"])

    def deployment_for(self, role: str) -> dict[str, Any]:
        found = [d for d in self.of_kind("Deployment") if main_container(d)["args"] == [role]]
        assert len(found) == 1, f"expected one Deployment running the {role!r} role in {self.name}"
        return found[0]


@pytest.fixture(scope="module")
def base() -> Rendered:
    return Rendered("base", render(BASE_DIR), {})


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The production overlay in a copy of deploy/k8s, with a secrets.env of made-up values."""
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S_DIR, copy, ignore=shutil.ignore_patterns("secrets.env"))
    values = made_up_values()
    (copy / "overlays" / "production" / "secrets.env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return Rendered("production", render(copy / "overlays" / "production"), values)


@pytest.fixture(scope="module", params=["base", "production"])
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


def main_container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{deployment['metadata']['name']}: one server per pod"
    return containers[0]


def container_port(container: dict[str, Any], port: int | str) -> int:
    """A probe's or Service's port (a number or a port name) as the container's port number."""
    if isinstance(port, int):
        return port
    named = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == port]
    assert named, f"container {container['name']} has no port named {port!r}"
    return named[0]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def quantity(value: str | int) -> float:
    """A Kubernetes quantity ("1536Mi", "2Gi", "500m", "2") as a number of bytes or cores."""
    text = str(value)
    units = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3}
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


# --------------------------------------------------------------------------------------------
# Schema


# kubernetes-validate's bundled schemas name a draft jsonschema 4.17 does not know; it validates with the latest.
SCHEMA_WARNING = "ignore:The metaschema specified by \\$schema was not found:DeprecationWarning"


@pytest.mark.filterwarnings(SCHEMA_WARNING)
def test_every_rendered_object_validates_against_the_kubernetes_schema_in_strict_mode(rendered: Rendered) -> None:
    kinds = {obj["kind"] for obj in rendered.objects}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "Ingress", "Secret", "ConfigMap", "Job"} <= kinds
    assert "PodDisruptionBudget" in kinds
    for obj in rendered.objects:
        # Raises ValidationError on a wrong field, and SchemaNotFoundError for an unknown kind/apiVersion.
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


@pytest.mark.filterwarnings(SCHEMA_WARNING)
def test_the_schema_check_catches_a_misspelled_field_and_a_wrong_type(base: Rendered) -> None:
    """The validator is not a no-op: the two commonest manifest mistakes fail it."""
    deployment = json.loads(json.dumps(base.deployment_for("rasa")))
    main_container(deployment)["readinessprobe"] = main_container(deployment).pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)

    service = json.loads(json.dumps(base.one("Service", "advocate-rasa")))
    service["spec"]["ports"][0]["port"] = "5005 "
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(service, KUBERNETES_VERSION, strict=True)


# --------------------------------------------------------------------------------------------
# What the servers really answer (probed in a fresh interpreter, as the image runs them)

PROBE = """
import json, sys, tempfile, stat
from pathlib import Path
from bot.servers import action_server
action_server.without_tensorflow()  # what the action server does first; spaCy then loads in seconds
import importlib
modules = json.loads(sys.argv[1])
imported = {}
for name in modules:
    try:
        importlib.import_module(name)
        imported[name] = "ok"
    except Exception as exc:
        imported[name] = f"{type(exc).__name__}: {exc}"
app = action_server.create_app("probe-token-" + "x" * 40)
action_routes = sorted(route.uri for route in app.router.routes if "GET" in route.methods)

from bot.web.app import app as web, require_advocate
def calls(dependant):
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from calls(dependency)
web_routes = {}
for route in web.routes:
    if "GET" in (getattr(route, "methods", None) or ()):
        dependant = getattr(route, "dependant", None)
        web_routes[route.path] = dependant is not None and require_advocate in set(calls(dependant))

# The spaCy pipeline's folder as bot.nlp.build leaves it (the real staging and rename, a stub pipeline).
from bot.nlp import build
class Stub:
    def to_disk(self, path):
        Path(path, "meta.json").write_text("{}")
build.create_nlp = Stub
built = build.build(Path(tempfile.mkdtemp()))
print(json.dumps({
    "build_dir": build.BUILD_DIR.relative_to(build.REPOSITORY).as_posix(),
    "imported": imported,
    "action_routes": action_routes,
    "web_routes": web_routes,
    "pipeline_mode": stat.S_IMODE(built.stat().st_mode),
}))
"""


def modules_run_by_the_image() -> list[str]:
    """Every module after ``-m`` in the launcher's commands, the Job's and the entrypoint itself."""
    commands = list(stack_commands(StackConfig.from_env({})).values())
    modules = {command[command.index("-m") + 1] for command in commands}
    return sorted({*modules, "bot.persistence.migrate", "deploy.entrypoint"})


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules_run_by_the_image())],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def rasa_open_get_routes() -> set[str]:
    """Rasa 3.6's GET routes that need no token, read from its server's source.

    Building Rasa's app needs a loaded model and TensorFlow; its routes are plain decorators, so
    the source says which exist and which carry ``@requires_auth``.
    """
    import importlib.util

    spec = importlib.util.find_spec("rasa.server")
    assert spec is not None and spec.origin
    lines = Path(spec.origin).read_text().splitlines()
    open_routes = set()
    for index, line in enumerate(lines):
        match = re.match(r'\s*@app\.get\("([^"]+)"\)', line)
        if not match:
            continue
        decorators = []
        for following in lines[index + 1 :]:
            if re.match(r"\s*(async\s+)?def ", following):
                break
            decorators.append(following)
        if not any("requires_auth" in decorator for decorator in decorators):
            open_routes.add(match.group(1))
    return open_routes


def test_rasa_source_reading_finds_its_open_root_and_its_token_protected_status() -> None:
    """The reader above tells an open route from a protected one (else the probe check proves nothing)."""
    routes = rasa_open_get_routes()
    assert "/" in routes
    assert "/status" not in routes  # behind the token: a probe there would need it in the pod spec


def test_every_deployment_has_readiness_and_liveness_probes_on_paths_answered_without_a_token(
    rendered: Rendered, probe: dict[str, Any]
) -> None:
    web_open = {path for path, needs_key in probe["web_routes"].items() if not needs_key}
    served = {
        "rasa": rasa_open_get_routes(),
        # The action server's token middleware lets only OPEN_PATHS through.
        "actions": set(probe["action_routes"]) & entrypoint_open_action_paths(),
        "web": web_open,
    }
    assert "/healthz" in served["web"] and "/health" in served["actions"] and "/" in served["rasa"]
    for role in ROLE_PROCESS:
        container = main_container(rendered.deployment_for(role))
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            probe_spec = container.get(kind)
            assert probe_spec, f"{role}: no {kind}"
            http = probe_spec["httpGet"]
            assert http["path"] in served[role], f"{role}: {kind} on {http['path']}, which is not served openly"
            assert container_port(container, http["port"]) == container["ports"][0]["containerPort"]


def entrypoint_open_action_paths() -> set[str]:
    from bot.servers.action_server import OPEN_PATHS

    return set(OPEN_PATHS)


def test_rasa_is_given_time_to_load_its_model_before_liveness_counts(rendered: Rendered) -> None:
    startup = main_container(rendered.deployment_for("rasa"))["startupProbe"]
    # READY_TIMEOUT's default (300 s) is what `make run` allows for the same load.
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300


# --------------------------------------------------------------------------------------------
# Pods: non-root, read-only, writable paths mounted


def dockerfile_user() -> tuple[int, int]:
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users, "the runtime stage sets no USER: it would run as root"
    match = re.fullmatch(r"(\d+):(\d+)", users[-1])
    assert match, f"USER {users[-1]!r} must be numeric uid:gid (runAsNonRoot cannot check a name)"
    return int(match.group(1)), int(match.group(2))


def test_every_pod_runs_as_the_images_non_root_user_without_privilege_escalation(rendered: Rendered) -> None:
    uid, gid = dockerfile_user()
    assert uid != 0 and gid != 0
    for obj, pod in rendered.workloads():
        name = obj["metadata"]["name"]
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True, name
        assert (context["runAsUser"], context["runAsGroup"]) == (uid, gid), name
        assert context["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod["automountServiceAccountToken"] is False, name
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            security = container["securityContext"]
            where = f"{name}/{container['name']}"
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert "privileged" not in security or security["privileged"] is False, where


def test_every_writable_path_the_image_uses_is_a_mounted_volume(rendered: Rendered) -> None:
    """HOME and TMPDIR (Dockerfile) and, for Rasa, the folder it writes endpoints.yml into."""
    runtime_env = final_stage_env()
    writable = {runtime_env["HOME"], runtime_env["TMPDIR"]}
    var_dir = rendered.config()["ADVOCATE_VAR_DIR"]
    for obj, pod in rendered.workloads():
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            mounts = {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}
            needed = set(writable)
            if container.get("args") == ["rasa"]:
                needed.add(var_dir)
            for path in needed:
                assert path in mounts, f"{obj['metadata']['name']}/{container['name']}: {path} is not mounted"
                assert "emptyDir" in mounts[path], f"{path} must be pod scratch space, not shared storage"
                assert "sizeLimit" in mounts[path]["emptyDir"], f"{path}: an unbounded emptyDir can fill the node"


def test_service_links_are_off_so_kubernetes_cannot_overwrite_our_port_settings(rendered: Rendered) -> None:
    """A Service named e.g. `rasa` would inject RASA_PORT=tcp://10.0.0.1:5005, which the launcher refuses."""
    for obj, pod in rendered.workloads():
        assert pod["enableServiceLinks"] is False, obj["metadata"]["name"]


def test_every_container_has_requests_and_limits_and_rasa_fits_its_measured_memory(rendered: Rendered) -> None:
    for obj, pod in rendered.workloads():
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            resources = container["resources"]
            for resource in ("cpu", "memory"):
                request = quantity(resources["requests"][resource])
                limit = quantity(resources["limits"][resource])
                assert 0 < request <= limit, f"{obj['metadata']['name']}/{container['name']} {resource}"
    rasa = main_container(rendered.deployment_for("rasa"))["resources"]
    assert quantity(rasa["requests"]["memory"]) >= RASA_MEASURED_RSS_BYTES
    # Headroom over the measured figure: a long conversation's tracker and a burst of turns.
    assert quantity(rasa["limits"]["memory"]) >= 1.5 * RASA_MEASURED_RSS_BYTES


# --------------------------------------------------------------------------------------------
# Scaling and disruptions


def test_the_hpa_scales_the_rasa_deployment_which_leaves_its_replica_count_to_it(rendered: Rendered) -> None:
    (hpa,) = rendered.of_kind("HorizontalPodAutoscaler")
    rasa = rendered.deployment_for("rasa")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", rasa["metadata"]["name"])
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    assert "replicas" not in rasa["spec"], "a replicas field would reset the HPA's count on every apply"
    # Two or more Rasa pods need Redis as their lock store: it must reach them.
    secret = rendered.named_like("Secret", "advocate-secrets")
    refs = [source["secretRef"]["name"] for source in main_container(rasa)["envFrom"] if "secretRef" in source]
    assert refs == [secret["metadata"]["name"]] and "REDIS_URL" in secret["data"]


def test_the_production_overlay_runs_more_pods_than_the_base(base: Rendered, production: Rendered) -> None:
    def minimum(r: Rendered) -> int:
        return r.of_kind("HorizontalPodAutoscaler")[0]["spec"]["minReplicas"]

    assert minimum(production) > minimum(base)
    assert (
        production.deployment_for("actions")["spec"]["replicas"] >= base.deployment_for("actions")["spec"]["replicas"]
    )


def test_every_deployment_has_a_disruption_budget_that_lets_a_drain_proceed(rendered: Rendered) -> None:
    budgets = rendered.of_kind("PodDisruptionBudget")
    for deployment in rendered.of_kind("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if selects(b["spec"]["selector"]["matchLabels"], labels)]
        assert len(matching) == 1, f"{deployment['metadata']['name']}: {len(matching)} PodDisruptionBudgets"
        # maxUnavailable 1, not minAvailable: with a single replica a minAvailable of 1 blocks every drain.
        assert matching[0]["spec"].get("maxUnavailable") == 1
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_every_service_selects_exactly_its_deployments_pods(rendered: Rendered) -> None:
    deployments = rendered.of_kind("Deployment")
    for service in rendered.of_kind("Service"):
        if service["spec"].get("type") == "ExternalName":
            continue
        chosen = [
            d for d in deployments if selects(service["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"])
        ]
        assert len(chosen) == 1, f"Service {service['metadata']['name']} selects {len(chosen)} Deployments"
        container = main_container(chosen[0])
        for port in service["spec"]["ports"]:
            assert container_port(container, port["targetPort"]) == port["port"]


# --------------------------------------------------------------------------------------------
# Ingress


def ingress_backends(rendered: Rendered) -> list[tuple[dict[str, Any], str, str]]:
    """(Ingress, path, Service name) of every rule."""
    return [
        (ingress, path["path"], path["backend"]["service"]["name"])
        for ingress in rendered.of_kind("Ingress")
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]


def test_socket_io_reaches_rasa_through_an_ingress_with_persistent_cookie_affinity(rendered: Rendered) -> None:
    rasa_service = rendered.one("Service", "advocate-rasa")["metadata"]["name"]
    socket = [(ingress, service) for ingress, path, service in ingress_backends(rendered) if path == "/socket.io"]
    assert len(socket) == 1
    ingress, service = socket[0]
    assert service == rasa_service
    annotations = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[f"{prefix}affinity"] == "cookie"
    assert annotations[f"{prefix}affinity-mode"] == "persistent"
    assert annotations[f"{prefix}session-cookie-name"]
    # Long enough for a WebSocket that stays open while a person reads and types.
    assert int(annotations[f"{prefix}proxy-read-timeout"]) >= 600
    assert ingress["spec"]["ingressClassName"] == "nginx"


def test_the_ingress_exposes_the_web_app_and_rasas_public_paths_only(rendered: Rendered) -> None:
    """Never Rasa's HTTP API (/status, /model, /conversations) nor the action server (SECURITY.md)."""
    backends = ingress_backends(rendered)
    by_service: dict[str, set[str]] = {}
    for _, path, service in backends:
        by_service.setdefault(service, set()).add(path)
    assert by_service == {"advocate-rasa": {"/socket.io", "/webhooks"}, "advocate-web": {"/"}}
    for ingress in rendered.of_kind("Ingress"):
        # The proxy's log would hold share tokens and phone numbers from paths and query strings.
        assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/enable-access-log"] == "false"


def test_production_serves_every_ingress_host_over_tls_at_the_public_base_url(production: Rendered) -> None:
    public = urlsplit(production.config()["PUBLIC_BASE_URL"])
    assert public.scheme == "https"
    for ingress in production.of_kind("Ingress"):
        hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
        covered = {host for tls in ingress["spec"]["tls"] for host in tls["hosts"]}
        assert hosts == {public.hostname} and hosts <= covered
    assert production.config()["WIDGET_SOCKET_URL"] == production.config()["PUBLIC_BASE_URL"]


# --------------------------------------------------------------------------------------------
# Secrets and configuration


def example_lines() -> dict[str, str]:
    lines = [line for line in SECRETS_EXAMPLE.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_the_secret_template_names_every_secret_and_holds_no_value(base: Rendered) -> None:
    assert example_lines() == dict.fromkeys(SECRET_KEYS, "")
    secret = base.named_like("Secret", "advocate-secrets")
    assert secret["data"] == dict.fromkeys(SECRET_KEYS, "")
    assert "stringData" not in secret


def test_the_real_secrets_file_is_git_ignored_and_never_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "deploy"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if path.endswith("/secrets.env")]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(PRODUCTION_DIR / "secrets.env")], cwd=PROJECT_ROOT, check=False
    )
    assert ignored.returncode == 0, "overlays/production/secrets.env must be git-ignored"


def test_the_production_secret_is_the_overlays_file_and_every_pod_reads_that_one(production: Rendered) -> None:
    import base64

    secret = production.named_like("Secret", "advocate-secrets")
    decoded = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert decoded == production.secret_values
    for obj, pod in production.workloads():
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            refs = [s["secretRef"]["name"] for s in container["envFrom"] if "secretRef" in s]
            assert refs == [secret["metadata"]["name"]], f"{obj['metadata']['name']}/{container['name']}"


def test_the_config_map_holds_no_secret(rendered: Rendered) -> None:
    for key, value in rendered.config().items():
        assert not re.search(r"TOKEN|SECRET|PASSWORD|_KEY$", key), key
        assert key not in SECRET_KEYS, key
        assert not urlsplit(value).password, f"{key} carries a password"


def test_the_config_points_each_server_at_the_others_services(rendered: Rendered) -> None:
    config = rendered.config()
    for variable, role in (("RASA_URL", "rasa"), ("ACTION_SERVER_URL", "actions")):
        url = urlsplit(config[variable])
        service = rendered.one("Service", url.hostname or "")
        assert selects(
            service["spec"]["selector"], rendered.deployment_for(role)["spec"]["template"]["metadata"]["labels"]
        )
        assert url.port in [port["port"] for port in service["spec"]["ports"]]
    for variable, service_name in (("DATABASE_URL", "advocate-postgres"), ("REDIS_URL", "advocate-redis")):
        assert rendered.one("Service", service_name)["spec"]["type"] == "ExternalName", variable


def test_production_pins_one_image_from_a_registry(production: Rendered) -> None:
    images = {
        container["image"]
        for _, pod in production.workloads()
        for container in [*pod.get("initContainers", []), *pod["containers"]]
    }
    assert len(images) == 1, f"one image for every process, got {images}"
    (image,) = images
    name, separator, pin = image.partition("@") if "@" in image else image.rpartition(":")
    assert "/" in name, f"{image}: no registry"
    assert separator and pin and pin != "latest", f"{image}: pin a tag or digest"


# --------------------------------------------------------------------------------------------
# The containers run the launcher's commands


def cluster_env(rendered: Rendered, **overrides: str) -> dict[str, str]:
    """What a pod's environment holds: the ConfigMap, the Secret (test values), then overrides."""
    values = rendered.secret_values or made_up_values()
    return {**rendered.config(), **values, **overrides}


@pytest.mark.parametrize("role", list(ROLE_PROCESS))
def test_each_deployment_runs_the_launchers_command_on_the_port_its_service_and_probes_use(
    rendered: Rendered, role: str, tmp_path: Path
) -> None:
    env = cluster_env(rendered)
    # The command `make run` would run with the same settings: the container must run exactly it.
    expected = stack_commands(StackConfig.from_env(env))[ROLE_PROCESS[role]]
    plan = entrypoint.start(role, {**env, "ADVOCATE_VAR_DIR": str(tmp_path)})
    launcher_with_tmp = stack_commands(StackConfig.from_env({**env, "ADVOCATE_VAR_DIR": str(tmp_path)}))
    assert plan.command == launcher_with_tmp[ROLE_PROCESS[role]]

    container = main_container(rendered.deployment_for(role))
    port = container["ports"][0]["containerPort"]
    args = expected[1:]
    assert args[args.index("--port") + 1] == str(port)
    if role == "web":
        assert args[args.index("--host") + 1] == "0.0.0.0"
    # Rasa and the action server take BIND_HOST from the environment the launcher gives them.
    assert plan.env["BIND_HOST"] == "0.0.0.0"
    if role == "rasa":
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        for option in ("--endpoints", "--credentials"):
            written = Path(args[args.index(option) + 1])
            assert str(written.parent) in mounts, f"{option} {written} is not on a writable volume"


def test_rasa_is_configured_to_call_the_action_service_and_lock_in_redis(rendered: Rendered, tmp_path: Path) -> None:
    env = cluster_env(rendered, ADVOCATE_VAR_DIR=str(tmp_path))
    plan = entrypoint.start("rasa", env)

    endpoints = yaml.safe_load((tmp_path / "endpoints.yml").read_text())
    action = urlsplit(endpoints["action_endpoint"]["url"])
    service = rendered.one("Service", action.hostname or "")
    assert action.port == service["spec"]["ports"][0]["port"] and action.path == "/webhook"
    # The token is named, never written: Rasa fills it in from its environment.
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer ${ACTION_SERVER_TOKEN}"
    assert env["ACTION_SERVER_TOKEN"] not in (tmp_path / "endpoints.yml").read_text()
    # The launcher's own lock-store settings from REDIS_URL, on the Redis Service.
    assert endpoints["lock_store"] == redis_lock_store(env["REDIS_URL"])
    assert endpoints["lock_store"]["url"] == "advocate-redis"
    assert (tmp_path / "endpoints.yml").stat().st_mode & 0o077 == 0  # it may hold the Redis password

    credentials = yaml.safe_load((tmp_path / "credentials.yml").read_text())
    assert "bot.channels.socketio.WidgetSocketIOInput" in credentials
    assert "bot.channels.rest.RestChannelInput" not in credentials  # REST_CHANNEL=off in a cluster
    assert any("REST: NOT enabled" in line for line in plan.notes)
    # The web app and the action server reach Rasa and the actions at their Services, not loopback.
    assert plan.env["RASA_URL"] == env["RASA_URL"] and plan.env["ACTION_SERVER_URL"] == env["ACTION_SERVER_URL"]
    assert not (tmp_path / "secrets.env").exists()


def test_every_process_the_launcher_runs_has_a_role_and_a_deployment(rendered: Rendered) -> None:
    """A process added to `make run` (stack_commands) must be added to the cluster too, or it never runs there."""
    launched = set(stack_commands(StackConfig.from_env({})))
    assert set(ROLE_PROCESS.values()) == launched
    for role in ROLE_PROCESS:
        rendered.deployment_for(role)


def test_the_pods_roles_and_the_images_default_are_roles_the_entrypoint_knows(rendered: Rendered) -> None:
    roles = {tuple(main_container(d)["args"]) for d in rendered.of_kind("Deployment")}
    assert roles == {(role,) for role in ROLE_PROCESS}
    for deployment in rendered.of_kind("Deployment"):
        (init,) = deployment["spec"]["template"]["spec"]["initContainers"]
        assert init["args"] == [entrypoint.WAIT_FOR_SCHEMA]
        assert "command" not in init and "command" not in main_container(deployment)  # keeps tini and the entrypoint
    cmd = json.loads(final_stage_instruction("CMD"))
    assert cmd[0] in ROLE_PROCESS


def test_the_migration_jobs_command_migrates_a_real_database_to_head(rendered: Rendered, tmp_path: Path) -> None:
    (job,) = rendered.of_kind("Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    args = container["args"]
    assert args[:2] == ["python", "-m"] and args[2] == "bot.persistence.migrate"

    database = tmp_path / "advocate.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    # What the entrypoint does with a non-role argument: run it as given.
    result = subprocess.run(
        [sys.executable, *args[1:]], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(database) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    state = entrypoint.schema_state(f"sqlite:///{database}")
    assert state.heads == {version} and state.up_to_date


# --------------------------------------------------------------------------------------------
# The entrypoint's refusals and its wait for the schema


def good_env(tmp_path: Path) -> dict[str, str]:
    return {
        **{name: secrets.token_urlsafe(32) for name in SECRET_NAMES},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'advocate.db'}",
        "RASA_URL": "http://advocate-rasa:5005",
        "ACTION_SERVER_URL": "http://advocate-actions:5055",
        "BIND_HOST": "0.0.0.0",
        "ADVOCATE_VAR_DIR": str(tmp_path / "var"),
        "REST_CHANNEL": "off",
    }


@pytest.mark.parametrize("role", list(ROLE_PROCESS))
def test_the_entrypoint_never_generates_a_missing_or_placeholder_secret(role: str, tmp_path: Path) -> None:
    env = good_env(tmp_path)
    env["ADVOCATE_MASTER_KEY"] = ""
    env["ACTION_SERVER_TOKEN"] = "changeme"
    with pytest.raises(entrypoint.StartError) as refused:
        entrypoint.start(role, env)
    message = str(refused.value)
    assert "not set: ADVOCATE_MASTER_KEY" in message
    assert "shorter than 32 characters: ACTION_SERVER_TOKEN" in message
    assert "changeme" not in message  # names, never values
    assert not (tmp_path / "var" / "secrets.env").exists()
    assert not (tmp_path / "var" / "endpoints.yml").exists()  # nothing is prepared for a pod that will not start


def test_the_entrypoint_refuses_the_scratch_volume_sqlite_default_and_loopback_peers(tmp_path: Path) -> None:
    env = good_env(tmp_path)
    with pytest.raises(entrypoint.StartError, match="DATABASE_URL is not set"):
        entrypoint.start("web", {k: v for k, v in env.items() if k != "DATABASE_URL"})
    with pytest.raises(entrypoint.StartError, match="ACTION_SERVER_URL must be set"):
        entrypoint.start("rasa", {k: v for k, v in env.items() if k != "ACTION_SERVER_URL"})
    with pytest.raises(entrypoint.StartError, match="RASA_PORT must be a port number"):
        entrypoint.start("rasa", {**env, "RASA_PORT": "tcp://10.0.0.7:5005"})  # a service link, had they been on


@pytest.fixture
def umask_kept() -> Iterator[None]:
    """main() sets the private umask for the process it becomes; this process must keep its own."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask_kept")
def test_the_entrypoint_without_a_role_says_how_to_use_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert entrypoint.main([]) == 2
    assert "wait-for-schema" in capsys.readouterr().out


@pytest.mark.usefixtures("umask_kept")
def test_an_unknown_command_is_reported_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert entrypoint.main(["no-such-command-for-advocate"]) == 127
    assert "cannot run 'no-such-command-for-advocate'" in capsys.readouterr().err


class FakeClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_for_schema_holds_a_pod_until_the_migration_has_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'advocate.db'}"
    clock = FakeClock()
    env = {"DATABASE_URL": url}

    assert entrypoint.wait_for_schema(env, timeout=12, sleep=clock.sleep, clock=clock) == 1
    assert len(clock.sleeps) >= 2  # it kept asking until the deadline

    migrate.upgrade(url)
    assert entrypoint.wait_for_schema(env, timeout=12, sleep=clock.sleep, clock=clock) == 0


def test_wait_for_schema_starts_as_soon_as_the_job_finishes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'advocate.db'}"
    clock = FakeClock()
    reads = {"count": 0}

    def read_state(database_url: str) -> entrypoint.SchemaState:
        reads["count"] += 1
        if reads["count"] == 3:
            migrate.upgrade(database_url)  # the Job finishes while the pod waits
        return entrypoint.schema_state(database_url)

    code = entrypoint.wait_for_schema(
        {"DATABASE_URL": url}, timeout=600, read_state=read_state, sleep=clock.sleep, clock=clock
    )
    assert code == 0 and reads["count"] == 3


def test_wait_for_schema_lets_a_rollback_start_on_a_newer_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "advocate.db"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_a_newer_release'")
    clock = FakeClock()
    assert entrypoint.wait_for_schema({"DATABASE_URL": url}, timeout=0, sleep=clock.sleep, clock=clock) == 0
    assert "newer than this image" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# Dockerfile


def instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of every instruction, continuation lines joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        result.append((keyword.upper(), " ".join(args.split())))
        pending = ""
    assert not pending, "the Dockerfile ends in a continuation line"
    return result


def stages() -> dict[str, list[tuple[str, str]]]:
    named: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for keyword, args in instructions():
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+) AS (\S+)", args, flags=re.IGNORECASE)
            assert match, f"every stage is named: FROM {args}"
            current = named.setdefault(match.group(2), [])
            current.append((keyword, match.group(1)))
        elif current is not None:
            current.append((keyword, args))
    return named


def final_stage() -> list[tuple[str, str]]:
    return list(stages().values())[-1]


def final_stage_instruction(keyword: str) -> str:
    found = [args for key, args in final_stage() if key == keyword]
    assert found, f"the runtime stage has no {keyword}"
    return found[-1]


def final_stage_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in final_stage():
        if keyword == "ENV":
            env.update(dict(item.split("=", 1) for item in shlex.split(args)))
    return env


def copies(stage: list[tuple[str, str]]) -> list[tuple[str | None, list[str], str]]:
    """(--from stage or None for the build context, sources, destination) of every COPY."""
    result = []
    for keyword, args in stage:
        if keyword != "COPY":
            continue
        words = args.split()
        flags = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        origin = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        result.append((origin, paths[:-1], paths[-1]))
    return result


def test_the_dockerfile_builds_in_a_build_stage_and_runs_from_a_slim_runtime_stage() -> None:
    named = stages()
    assert list(named) == ["build", "runtime"]
    # The same base in both: the virtualenv points at /usr/local/bin/python3.10 by absolute path.
    assert named["build"][0][1] == named["runtime"][0][1] == "${PYTHON_IMAGE}"
    (default,) = (args for keyword, args in instructions() if keyword == "ARG" and args.startswith("PYTHON_IMAGE="))
    assert default.split("=", 1)[1].startswith("python:3.10-")  # Rasa 3.6 runs on 3.8-3.10; the project pins 3.10
    runtime_runs = " ".join(args for keyword, args in named["runtime"] if keyword == "RUN")
    assert "pip" not in runtime_runs and "rasa train" not in runtime_runs  # built once, in the build stage
    assert {origin for origin, _, _ in copies(named["runtime"])} == {"build"}


def makefile_recipe(target: str) -> list[str]:
    lines = MAKEFILE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def makefile_variable(name: str) -> str:
    (line,) = (line for line in MAKEFILE.read_text().splitlines() if line.startswith(f"{name} :="))
    return line.split(":=", 1)[1].strip()


def as_dockerfile(command: str) -> str:
    """A Makefile command with its variables as the Dockerfile spells them."""
    variables = {
        "$(PY)": '"$VENV/bin/python"',
        "$(VENV)/bin/uv": '"$VENV/bin/uv"',
        "$(RASA)": '"$VENV/bin/python" -m rasa',
        "$(RASA_PROJECT)": makefile_variable("RASA_PROJECT"),
    }
    for name, value in variables.items():
        command = command.replace(name, value)
    return " ".join(command.split())


def test_the_build_stage_installs_and_trains_exactly_as_the_makefile_does() -> None:
    build_runs = [args for keyword, args in stages()["build"] if keyword == "RUN"]
    text = " ".join(build_runs)
    install = [
        as_dockerfile(line)
        for line in makefile_recipe("$(INSTALLED)")
        if not line.startswith("@") and " install " in line and "uv" in line
    ]
    assert len(install) == 2  # pip installs the pinned uv, uv installs requirements.in under the lock
    train = [as_dockerfile(line) for line in makefile_recipe("$(MODEL)") if " train " in line]
    spacy = [as_dockerfile(line) for line in makefile_recipe("spacy")]
    for command in [*install, *spacy, *train]:
        assert command in text, f"the build stage does not run the Makefile's: {command}"
    # The model and the spaCy pipeline are readable by the unprivileged user.
    assert re.search(r"chmod -R a\+rX\S* build models", text)


def test_the_spacy_pipeline_is_built_private_so_the_dockerfile_must_open_it(probe: dict[str, Any]) -> None:
    """Why the chmod above exists: bot.nlp.build stages through mkdtemp (0700) and renames into place."""
    assert probe["pipeline_mode"] & 0o077 == 0


def test_every_module_the_image_runs_imports(probe: dict[str, Any]) -> None:
    assert set(probe["imported"]) == set(modules_run_by_the_image())
    failed = {name: outcome for name, outcome in probe["imported"].items() if outcome != "ok"}
    assert not failed


def test_the_runtime_stage_has_what_the_servers_load_and_nothing_built_elsewhere(probe: dict[str, Any]) -> None:
    named = stages()
    spacy_dir = probe["build_dir"]  # where `python -m bot.nlp.build` writes (build/spacy)
    # Made by RUN in the build stage: `rasa train --out models`, `python -m bot.nlp.build`, the venv.
    built = {"models", spacy_dir, "/opt/venv"}
    assert ("ENV", "VENV=/opt/venv") in [(k, a.split()[0]) for k, a in named["build"] if k == "ENV"]
    in_build = set(built)
    for _, sources, destination in copies(named["build"]):
        in_build |= {source.rstrip("/") for source in sources} | {destination.rstrip("/")}
    runtime_sources = {
        s.rstrip("/").removeprefix("/app/") for _, sources, _ in copies(named["runtime"]) for s in sources
    }
    for source in runtime_sources:
        assert source in in_build, f"the runtime stage copies {source}, which the build stage does not have"
    assert {"models", spacy_dir, "bot", "actions", "deploy", "/opt/venv"} <= runtime_sources
    assert "tests" not in runtime_sources and "var" not in runtime_sources


def test_no_secret_is_baked_into_the_image() -> None:
    sensitive = set(SECRET_KEYS) | {"ADVOCATE_MASTER_KEY_PREVIOUS", "TWILIO_AUTH_TOKEN", "SLACK_BOT_TOKEN"}
    for keyword, args in instructions():
        if keyword in ("ENV", "ARG", "LABEL"):
            names = {item.split("=", 1)[0] for item in shlex.split(args)}
            assert not names & sensitive, f"{keyword} {args}"
        if keyword == "COPY":
            assert ".env" not in args and "var" not in args.split(), args


def test_the_entrypoint_is_tini_then_our_module_and_the_user_is_the_pods() -> None:
    entry = json.loads(final_stage_instruction("ENTRYPOINT"))
    assert entry == ["/usr/bin/tini", "--", "python", "-m", "deploy.entrypoint"]
    runtime_runs = " ".join(args for keyword, args in final_stage() if keyword == "RUN")
    assert "apt-get install -y --no-install-recommends tini" in runtime_runs
    uid, gid = dockerfile_user()
    assert f"--uid {uid}" in runtime_runs and f"--gid {gid}" in runtime_runs


# --- .dockerignore ---------------------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, regex) per line, with Docker's matching: ``**`` any depth, ``*`` one name."""
    patterns = []
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        pattern = pattern.removeprefix("./")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        patterns.append((exception, re.compile(regex)))
    return patterns


def in_build_context(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    included = True
    for exception, regex in dockerignore_patterns():
        if any(regex.fullmatch(candidate) for candidate in candidates):
            included = exception
    return included


def test_the_dockerignore_matcher_follows_dockers_rules() -> None:
    assert not in_build_context("var/secrets.env")
    assert in_build_context("bot/nlp/build.py")
    assert not in_build_context("bot/nlp/__pycache__/build.cpython-310.pyc")


def test_nothing_private_or_built_elsewhere_enters_the_build_context() -> None:
    for path in (
        "var/secrets.env",
        "var/advocate.db",
        "var/keys.db",
        ".venv/bin/python",
        "models/advocate.tar.gz",
        "build/spacy/advocate_med-0123/meta.json",
        ".git/config",
        "tests/unit/test_deploy_manifests.py",
        "deploy/k8s/overlays/production/secrets.env",
        "results/eval/report.md",
        ".rasa/cache/cache.db",
        "bot/.env",
    ):
        assert not in_build_context(path), f"{path} would be sent to the image build"


def test_every_copy_source_exists_and_every_tracked_file_under_it_reaches_the_build() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    for origin, sources, _ in copies(stages()["build"]):
        assert origin is None
        for source in sources:
            path = PROJECT_ROOT / source
            assert path.exists(), f"COPY {source}: no such file in the repository"
            prefix = source.rstrip("/")
            under = [f for f in tracked if f == prefix or f.startswith(f"{prefix}/")]
            under += [str(p.relative_to(PROJECT_ROOT)) for p in [path] if p.is_file()]
            assert under, f"COPY {source}: nothing tracked there"
            excluded = [f for f in under if not in_build_context(f)]
            # Training would differ from `make train` if a tracked input were left out.
            assert not excluded, f"COPY {source}: .dockerignore leaves out {excluded[:5]}"
