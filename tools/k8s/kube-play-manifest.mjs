// Turns the dev overlay's rendered Deployment into what `podman kube play`
// can run on this machine, changing only what has to change, and says what
// it changed (tests/k8s/kube-play prints it):
//   - the image: the one tests/container/build.sh built;
//   - MSG_DATABASE_URL: a value (the test database) instead of a secretKeyRef,
//     and the optional read-url reference dropped: podman resolves
//     secretKeyRef only from its own secret store;
//   - the api-keys Secret volume: a hostPath holding a freshly made keys file;
//   - hostNetwork, with the ConfigMap's MSG_LISTEN on a free loopback port (the Deployment's
//     0.0.0.0:8080 would be a fixed, shared port here) and no container ports
//     (podman makes them port mappings, which host networking refuses);
//   - the probes and the preStop hook are removed: podman would run an
//     httpGet probe as curl inside the container, and the image has neither
//     curl nor a shell; the test calls /healthz and /readyz itself instead.
// Everything else, the security contexts above all, stays as rendered.
//
//   node kube-play-manifest.mjs RENDERED OUT-DEPLOYMENT OUT-CONFIGMAP IMAGE DB-URL KEYS-DIR PORT [--writable-root]
//
// --writable-root breaks the Deployment on purpose (readOnlyRootFilesystem
// false, and no read-only mount over the image's volume), for the negative
// test that shows the read-only checks can fail.
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { loadObjects } from "./lib/load.mjs";

const [rendered, outDeployment, outConfigMap, image, dbUrl, keysDir, port, breakFlag] = process.argv.slice(2);
if (breakFlag !== undefined && breakFlag !== "--writable-root") throw new Error(`unknown argument ${breakFlag}`);
if (!port) throw new Error("usage: kube-play-manifest.mjs RENDERED OUT-DEPLOYMENT OUT-CONFIGMAP IMAGE DB-URL KEYS-DIR PORT");
const objects = loadObjects(rendered);
const deployment = structuredClone(objects.find((o) => o.kind === "Deployment" && o.metadata.name === "msg-server"));
const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "msg-server");
if (!deployment || !configMap) throw new Error("the render has no Deployment or ConfigMap msg-server");

const spec = deployment.spec.template.spec;
const c = spec.containers.find((x) => x.name === "msg-server");
c.image = image;
c.imagePullPolicy = "Never";
c.env = c.env.filter((e) => e.name !== "MSG_READ_DATABASE_URL").map((e) => (e.name === "MSG_DATABASE_URL" ? { name: e.name, value: dbUrl } : e));
delete c.ports; // podman turns ports into port mappings, which host networking refuses
delete c.livenessProbe;
delete c.readinessProbe;
delete c.startupProbe;
delete c.lifecycle;
spec.hostNetwork = true;
spec.volumes = spec.volumes.map((v) => (v.name === "api-keys" ? { name: v.name, hostPath: { path: keysDir, type: "Directory" } } : v));

if (breakFlag) {
  c.securityContext.readOnlyRootFilesystem = false;
  c.volumeMounts = c.volumeMounts.filter((m) => m.name !== "var-lib-msg");
}

// In the ConfigMap, not in env: podman 4.3 lets envFrom override env, the
// opposite of Kubernetes, so an env entry would lose to the ConfigMap's value.
const playConfigMap = structuredClone(configMap);
playConfigMap.data.MSG_LISTEN = `127.0.0.1:${port}`;

writeFileSync(outDeployment, stringify(deployment));
writeFileSync(outConfigMap, stringify(playConfigMap));
