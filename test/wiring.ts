/**
 * Wiring checks over a set of manifests: the facts that make a chart work once applied, which
 * neither a schema nor a snapshot proves.
 */
export function wiringProblems(manifests: any[]): string[] {
  const out: string[] = [];
  const templates = manifests
    .filter(m => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(m.kind))
    .map(m => ({ m, labels: m.spec.template.metadata?.labels ?? {} }));
  const pods = [...templates.map(t => t.labels), ...manifests.filter(m => m.kind === 'Pod').map(m => m.metadata.labels ?? {})];
  const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  const id = (m: any) => `${m.kind}/${m.metadata?.name}`;

  for (const { m, labels } of templates) {
    const sel = m.spec.selector?.matchLabels;
    if (m.kind !== 'Job' && (!sel || !matches(sel, labels))) out.push(`${id(m)}: selector ${JSON.stringify(sel)} does not match its template labels`);
    const spec = m.spec.template.spec;
    const volumes = new Set([
      ...(spec.volumes ?? []).map((v: any) => v.name),
      ...(m.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name),
    ]);
    const all = [...(spec.initContainers ?? []), ...spec.containers];
    const names = all.map((c: any) => c.name);
    if (new Set(names).size !== names.length) out.push(`${id(m)}: duplicate container names ${names.join(', ')}`);
    for (const c of all) {
      for (const vm of c.volumeMounts ?? []) {
        if (!volumes.has(vm.name)) out.push(`${id(m)}: container ${c.name} mounts missing volume ${vm.name}`);
      }
      for (const p of c.ports ?? []) {
        if (p.name && p.name.length > 15) out.push(`${id(m)}: container ${c.name} port name ${p.name} is longer than 15`);
      }
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) out.push(`${id(m)}: container ${c.name} has no CPU and memory requests`);
      if (!c.resources?.limits?.memory) out.push(`${id(m)}: container ${c.name} has no memory limit`);
      const longRunning = !(spec.initContainers ?? []).includes(c) || c.restartPolicy === 'Always';
      if (longRunning && (c.ports ?? []).length > 0 && !c.readinessProbe) out.push(`${id(m)}: container ${c.name} exposes a port without a readiness probe`);
      if (/:latest$/.test(c.image) || !/:[^/]+$/.test(c.image)) out.push(`${id(m)}: container ${c.name} image ${c.image} is not pinned to a tag`);
    }
  }
  for (const s of manifests.filter(m => m.kind === 'Service' && m.spec?.selector)) {
    if (!pods.some(l => matches(s.spec.selector, l))) out.push(`${id(s)}: selector ${JSON.stringify(s.spec.selector)} matches no pod template`);
  }
  for (const p of manifests.filter(m => m.kind === 'PodDisruptionBudget')) {
    if (!pods.some(l => matches(p.spec.selector?.matchLabels ?? {}, l))) out.push(`${id(p)}: selector matches no pod template`);
  }
  const services = new Set(manifests.filter(m => m.kind === 'Service').map(m => m.metadata.name));
  for (const ing of manifests.filter(m => m.kind === 'Ingress')) {
    for (const rule of ing.spec.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const name = path.backend?.service?.name;
        if (name && !services.has(name)) out.push(`${id(ing)}: backend service ${name} does not exist`);
      }
    }
  }
  return out;
}
