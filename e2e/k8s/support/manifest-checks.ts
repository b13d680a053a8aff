import { Container, containerEnv, urlHosts } from './pod-env';
import { K8sObject } from './rendered-manifests';
import { GATEWAY, PLATFORM_SERVICES, ServiceProfile } from './service-profiles';

/** What the checks compare the manifests with: the code's view of each service. */
export interface CheckContext {
  overlay: string;
  /** per service (and the gateway): its variables and upstreams, from its code */
  profiles: Map<string, ServiceProfile>;
  /** per service: the callers of its service-key routes (caller matrix) */
  serviceKeyCallers: Map<string, Set<string>>;
}

const NAME_LABEL = 'app.kubernetes.io/name';
/** The platform's drain when SHUTDOWN_TIMEOUT_MS is not set (PlatformEnvSchema's default). */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] };
}
interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}
interface Probe {
  exec?: unknown;
  httpGet?: unknown;
  tcpSocket?: unknown;
  grpc?: unknown;
}

const isWorkload = (object: K8sObject): object is Workload =>
  object.kind === 'Deployment' || object.kind === 'StatefulSet';

/** The platform service (or gateway) a workload runs, or null for a backing store. */
export function serviceOf(workload: K8sObject): string | null {
  const name = (workload as Workload).spec?.template?.metadata?.labels?.[NAME_LABEL];
  return name && PLATFORM_SERVICES.includes(name) ? name : null;
}

/** Every problem found in one overlay's rendered objects; empty when all is well. */
export function manifestProblems(objects: K8sObject[], context: CheckContext): string[] {
  const workloads = objects.filter(isWorkload);
  return [
    ...workloads.flatMap((workload) => workloadProblems(workload, objects, context)),
    ...networkPolicyProblems(objects, workloads, context),
    ...replicaProblems(objects, workloads, context.overlay),
    ...wiringProblems(objects, workloads),
    ...serviceKeyProblems(objects, workloads),
  ];
}

/**
 * Each service's (and the gateway's) SERVICE_API_KEY is its entry in the SERVICE_API_KEYS every
 * service accepts, where the Secrets are rendered (local); otherwise each call between services
 * would be a 401.
 */
function serviceKeyProblems(objects: K8sObject[], workloads: Workload[]): string[] {
  const own = new Map<string, string>();
  const accepted = new Map<string, Record<string, string>>();
  for (const workload of workloads) {
    const service = serviceOf(workload);
    if (!service) continue;
    const { values } = containerEnv(workload.spec.template.spec.containers[0], objects);
    if (values.SERVICE_API_KEY) own.set(service, values.SERVICE_API_KEY);
    if (values.SERVICE_API_KEYS) {
      accepted.set(service, JSON.parse(values.SERVICE_API_KEYS) as Record<string, string>);
    }
  }
  const problems: string[] = [];
  for (const [receiver, keys] of accepted) {
    for (const [caller, key] of own) {
      if (caller !== receiver && keys[caller] !== key) {
        problems.push(`${receiver}: SERVICE_API_KEYS.${caller} is not ${caller}'s SERVICE_API_KEY`);
      }
    }
  }
  return problems;
}

function workloadProblems(workload: Workload, objects: K8sObject[], context: CheckContext) {
  const where = `${workload.kind} ${workload.metadata.name}`;
  const pod = workload.spec.template.spec;
  const service = serviceOf(workload);
  const problems: string[] = [];
  const containers = [
    ...pod.containers.map((container) => ({ container, init: false })),
    ...(pod.initContainers ?? []).map((container) => ({ container, init: true })),
  ];
  for (const { container, init } of containers) {
    const at = `${where} container ${container.name}`;
    const probes = container as Record<string, Probe | undefined>;
    if (!init) {
      const wanted = ['readinessProbe', 'livenessProbe', ...(service ? ['startupProbe'] : [])];
      for (const probe of wanted) {
        const handler = probes[probe];
        if (!handler || !(handler.exec || handler.httpGet || handler.tcpSocket || handler.grpc)) {
          problems.push(`${at}: no ${probe}`);
        }
      }
      // the gateway's /health reports its upstreams: not a readiness signal of the edge itself
      if (service && service !== GATEWAY && !probesHealth(probes.readinessProbe)) {
        problems.push(`${at}: readinessProbe is not GET /health`);
      }
    }
    problems.push(...resourceProblems(container, at));
    problems.push(...securityProblems(container, pod.securityContext, at));
    if (service) {
      problems.push(...envProblems(container, objects, context, service, at, init));
      problems.push(...imageProblems(container, context.overlay, at));
    }
  }
  if (service) problems.push(...drainProblems(pod, objects, where));
  return problems;
}

function probesHealth(probe: Probe | undefined): boolean {
  const get = probe?.httpGet as { path?: string } | undefined;
  return get?.path === '/health';
}

function resourceProblems(container: Container, at: string): string[] {
  const resources = container.resources as
    { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
  const problems: string[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (resources?.[kind]?.[resource] === undefined) {
        problems.push(`${at}: no resources.${kind}.${resource}`);
      }
    }
  }
  return problems;
}

function securityProblems(container: Container, pod: SecurityContext | undefined, at: string) {
  const own = (container.securityContext ?? {}) as SecurityContext;
  const problems: string[] = [];
  const runAsNonRoot = own.runAsNonRoot ?? pod?.runAsNonRoot;
  const runAsUser = own.runAsUser ?? pod?.runAsUser;
  if (runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
  if (runAsUser === undefined || runAsUser === 0) {
    problems.push(`${at}: runs as root (runAsUser ${runAsUser ?? 'unset'})`);
  }
  if (own.allowPrivilegeEscalation !== false) {
    problems.push(`${at}: allowPrivilegeEscalation is not false`);
  }
  if (own.readOnlyRootFilesystem !== true)
    problems.push(`${at}: readOnlyRootFilesystem is not true`);
  if (!own.capabilities?.drop?.includes('ALL'))
    problems.push(`${at}: capabilities do not drop ALL`);
  return problems;
}

function envProblems(
  container: Container,
  objects: K8sObject[],
  context: CheckContext,
  service: string,
  at: string,
  init: boolean,
): string[] {
  const profile = context.profiles.get(service);
  if (!profile) return [`${at}: no profile of service ${service}`];
  const env = containerEnv(container, objects);
  const problems = env.problems.map((problem) => `${at}: ${problem}`);
  for (const name of env.names) {
    if (!profile.envNames.has(name)) {
      problems.push(`${at}: ${name} is not a variable of the ${service} configuration`);
    }
  }
  if (!init) {
    // an upstream without its URL would be called at localhost, its default
    for (const upstream of profile.upstreams) {
      const host = urlHosts(pick(env.values, upstreamVariable(upstream)));
      if (!host.includes(upstream)) {
        problems.push(`${at}: calls ${upstream} but sets no ${upstreamVariable(upstream)} to it`);
      }
    }
  }
  return problems;
}

function upstreamVariable(upstream: string): string {
  return `${upstream.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`;
}

function pick(values: Record<string, string>, name: string): Record<string, string> {
  return name in values ? { [name]: values[name] } : {};
}

function imageProblems(container: Container, overlay: string, at: string): string[] {
  const image = container.image ?? '';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (overlay === 'local') {
    const problems: string[] = [];
    if (tag !== 'local') problems.push(`${at}: image ${image} is not tagged :local`);
    if (container.imagePullPolicy !== 'IfNotPresent') {
      problems.push(`${at}: imagePullPolicy is not IfNotPresent (kind-loaded images)`);
    }
    return problems;
  }
  return !tag || tag === 'latest' || tag === 'local'
    ? [`${at}: image ${image} has no release tag`]
    : [];
}

/** SIGTERM comes after the preStop sleep; the pod must outlive the sleep and the drain. */
function drainProblems(pod: PodSpec, objects: K8sObject[], where: string): string[] {
  const main = pod.containers[0];
  const preStop = (
    main.lifecycle as
      { preStop?: { exec?: { command?: string[] }; sleep?: { seconds?: number } } } | undefined
  )?.preStop;
  const command = preStop?.exec?.command ?? [];
  const sleepSeconds =
    preStop?.sleep?.seconds ?? (command[0] === 'sleep' ? Number(command[1]) : Number.NaN);
  if (!Number.isFinite(sleepSeconds)) return [`${where}: no preStop sleep before SIGTERM`];
  const shutdown = Number(
    containerEnv(main, objects).values.SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
  );
  const grace = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  return grace > sleepSeconds * 1000 + shutdown
    ? []
    : [
        `${where}: terminationGracePeriodSeconds ${grace / 1000} does not cover the preStop ` +
          `sleep (${sleepSeconds} s) and SHUTDOWN_TIMEOUT_MS (${shutdown} ms)`,
      ];
}

interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector?: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: Array<{
      from?: Array<{
        podSelector?: { matchLabels?: Record<string, string> };
        namespaceSelector?: unknown;
        ipBlock?: unknown;
      }>;
      ports?: Array<{ port?: number | string }>;
    }>;
  };
}

const ANYONE = '(anyone)';

/**
 * Each pod is selected by one NetworkPolicy admitting exactly its callers on its port: the
 * gateway (any service), the callers of its service-key routes (caller matrix), and every
 * workload holding a URL to it (upstream URLs, JWKS, DATABASE_URL, AMQP_URL, REDIS_URL). The
 * gateway itself, the edge, admits anyone on its port.
 */
function networkPolicyProblems(objects: K8sObject[], workloads: Workload[], context: CheckContext) {
  const policies = objects.filter(
    (object): object is NetworkPolicy => object.kind === 'NetworkPolicy',
  );
  const holders = new Map<string, Set<string>>();
  for (const workload of workloads) {
    const caller = workload.spec.template.metadata?.labels?.[NAME_LABEL] ?? '';
    for (const container of workload.spec.template.spec.containers) {
      for (const host of urlHosts(containerEnv(container, objects).values)) {
        if (host !== caller) holders.set(host, (holders.get(host) ?? new Set()).add(caller));
      }
    }
  }
  const problems: string[] = [];
  for (const workload of workloads) {
    const name = workload.spec.template.metadata?.labels?.[NAME_LABEL] ?? '';
    const selecting = policies.filter(
      (policy) => policy.spec.podSelector?.matchLabels?.[NAME_LABEL] === name,
    );
    if (selecting.length !== 1) {
      problems.push(
        `${workload.kind} ${workload.metadata.name}: ${selecting.length} NetworkPolicies select it, not 1`,
      );
      continue;
    }
    const policy = selecting[0];
    const expected =
      name === GATEWAY
        ? new Set([ANYONE])
        : new Set([
            ...(PLATFORM_SERVICES.includes(name) ? [GATEWAY] : []),
            ...(context.serviceKeyCallers.get(name) ?? []),
            ...(holders.get(name) ?? []),
          ]);
    const admitted = new Set<string>();
    for (const rule of policy.spec.ingress ?? []) {
      if (!rule.from?.length) admitted.add(ANYONE);
      for (const peer of rule.from ?? []) {
        const peerName = peer.podSelector?.matchLabels?.[NAME_LABEL];
        admitted.add(peer.namespaceSelector || peer.ipBlock || !peerName ? ANYONE : peerName);
      }
      const ports = workloadPorts(workload);
      for (const port of rule.ports ?? [{}]) {
        if (!ports.some((own) => String(own) === String(port.port))) {
          problems.push(
            `NetworkPolicy ${policy.metadata.name}: port ${port.port ?? '(all)'} is not ${name}'s`,
          );
        }
      }
    }
    const missing = [...expected].filter((caller) => !admitted.has(caller));
    const extra = [...admitted].filter((caller) => !expected.has(caller));
    if (missing.length)
      problems.push(`NetworkPolicy ${policy.metadata.name}: does not admit ${missing.join(', ')}`);
    if (extra.length)
      problems.push(
        `NetworkPolicy ${policy.metadata.name}: admits ${extra.join(', ')}, who do not call ${name}`,
      );
    if (!policy.spec.policyTypes?.includes('Ingress')) {
      problems.push(`NetworkPolicy ${policy.metadata.name}: policyTypes lacks Ingress`);
    }
  }
  return problems;
}

function workloadPorts(workload: Workload): Array<number | string> {
  return workload.spec.template.spec.containers.flatMap((container) =>
    ((container.ports ?? []) as Array<{ containerPort: number; name?: string }>).flatMap((port) =>
      port.name ? [port.containerPort, port.name] : [port.containerPort],
    ),
  );
}

interface Autoscaler extends K8sObject {
  spec: {
    minReplicas?: number;
    scaleTargetRef: { kind: string; name: string };
    metrics?: Array<{ type: string; resource?: { name: string } }>;
  };
}

/** local: one replica of everything, no autoscaling; production: two or more, autoscaled. */
function replicaProblems(objects: K8sObject[], workloads: Workload[], overlay: string): string[] {
  const problems: string[] = [];
  const autoscalers = objects.filter((o): o is Autoscaler => o.kind === 'HorizontalPodAutoscaler');
  for (const workload of workloads) {
    const replicas = workload.spec.replicas ?? 1;
    const where = `${workload.kind} ${workload.metadata.name}`;
    if (overlay === 'local' && replicas !== 1)
      problems.push(`${where}: ${replicas} replicas, not 1`);
    if (overlay === 'production' && replicas < 2)
      problems.push(`${where}: ${replicas} replica(s), fewer than 2`);
  }
  if (overlay === 'local' && autoscalers.length) {
    problems.push(`local: ${autoscalers.length} HorizontalPodAutoscalers (one replica each)`);
  }
  if (overlay === 'production' && autoscalers.length === 0)
    problems.push('production: no HorizontalPodAutoscaler');
  for (const hpa of autoscalers) {
    const where = `HorizontalPodAutoscaler ${hpa.metadata.name}`;
    const target = hpa.spec.scaleTargetRef;
    if (!workloads.some((w) => w.kind === target.kind && w.metadata.name === target.name)) {
      problems.push(`${where}: scales ${target.kind} ${target.name}, which is not rendered`);
    }
    if ((hpa.spec.minReplicas ?? 1) < 2) problems.push(`${where}: minReplicas below 2`);
    if (!hpa.spec.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')) {
      problems.push(`${where}: does not scale on CPU`);
    }
  }
  return problems;
}

/** Every platform Deployment has a Service and a PodDisruptionBudget; the Ingress reaches the gateway. */
function wiringProblems(objects: K8sObject[], workloads: Workload[]): string[] {
  const problems: string[] = [];
  const selects = (kind: string, name: string) =>
    objects.some((object) => {
      const spec = object.spec as { selector?: Record<string, unknown> } | undefined;
      const labels =
        (kind === 'Service'
          ? spec?.selector
          : (spec?.selector?.matchLabels as Record<string, unknown>)) ?? {};
      return object.kind === kind && labels[NAME_LABEL] === name;
    });
  for (const workload of workloads) {
    const name = workload.spec.template.metadata?.labels?.[NAME_LABEL] ?? '';
    if (!selects('Service', name))
      problems.push(`${workload.kind} ${workload.metadata.name}: no Service`);
    if (serviceOf(workload) && !selects('PodDisruptionBudget', name)) {
      problems.push(`${workload.kind} ${workload.metadata.name}: no PodDisruptionBudget`);
    }
  }
  const ingresses = objects.filter((object) => object.kind === 'Ingress');
  if (ingresses.length === 0) problems.push('no Ingress to the gateway');
  for (const ingress of ingresses) {
    const backends = JSON.stringify(ingress.spec).match(/"service":\{"name":"([^"]+)"/g) ?? [];
    if (!backends.length || backends.some((b) => !b.endsWith(`"${GATEWAY}"`))) {
      problems.push(`Ingress ${ingress.metadata.name}: routes elsewhere than the gateway`);
    }
  }
  return problems;
}
