import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { ScatterGather } from '../../src';
import {
  VALID_IMAGES, absPath, bool, containerSpec, count, durationArb, labelValue, partial, port, presetArb, rec, securityOptions, validOr, weighted,
  withBrokenProps,
} from '../property/arbitraries';
import { describeProperties } from '../property/check';
import { Recipe } from '../property/recipes';

// ScatterGather from random props (test/property/check.ts: a clear error, or valid, restricted,
// wired and deterministic manifests). Two kinds of prop sets: mostly valid ones (a root and a leaf
// with one or two ports, a readiness probe, the port picked or left to the pattern) with a few
// mistakes in the pattern's own props, and ones with every kind of container mistake.

/** A server container: one or two named ports, a TCP readiness probe on the first. */
const server = (name: string) => fc.tuple(
  fc.constantFrom(...VALID_IMAGES),
  fc.uniqueArray(fc.constantFrom(80, 8080, 9090, 9100), { minLength: 1, maxLength: 2 }),
  fc.boolean(),
).map(([image, ports, named]) => ({
  name: named ? name : undefined,
  image,
  ports: ports.map((number, i) => ({ number, name: `p${i}-${number}` })),
  readiness: new Recipe(`Probe.fromTcpSocket({ port: ${ports[0]} })`, 'value', () => kplus.Probe.fromTcpSocket({ port: ports[0] })),
}));

const own = {
  leaves: validOr(count(fc.constantFrom(1, 2, 3, 5)), fc.constantFrom<unknown>(1000, 1001)),
  rootReplicas: count(fc.constantFrom(1, 2, 3)),
  rootPort: weighted<unknown>([3, fc.constant(undefined)], [2, fc.constantFrom(80, 8080, 9090, 9100)], [1, port]),
  leafPort: weighted<unknown>([3, fc.constant(undefined)], [2, fc.constantFrom(80, 8080, 9090, 9100)], [1, port]),
  servicePort: port,
  leafTimeout: durationArb([1, 2, 30]),
  highAvailability: bool,
  resources: presetArb,
  security: securityOptions,
  writablePaths: validOr(fc.array(absPath(['/tmp', '/cache']), { maxLength: 2 }), fc.constantFrom<unknown>('/tmp')),
  appName: labelValue,
  partOf: labelValue,
};

/** A server and the port prop that goes with it: left out for one port, mostly one of its ports for two. */
const serverAndPort = (name: string) => server(name).chain(c => fc.tuple(fc.constant(c), c.ports.length === 1
  ? fc.constantFrom<number | undefined>(undefined, c.ports[0].number)
  : weighted<number | undefined>([6, fc.constantFrom(...c.ports.map(p => p.number))], [1, fc.constant(undefined)])));

const mostlyValid = fc.tuple(serverAndPort('root'), serverAndPort('leaf'), partial(own)).map(([[root, rootPort], [leaf, leafPort], rest]) => ({
  ...rest,
  root,
  leaf,
  ...(rootPort !== undefined ? { rootPort } : {}),
  ...(leafPort !== undefined ? { leafPort } : {}),
}));
const anyContainers = partial({
  root: containerSpec({ names: ['root', 'main', 'leaf'], ports: 'named' }),
  leaf: containerSpec({ names: ['leaf', 'main', 'root'], ports: 'named' }),
  ...own,
}, ['root', 'leaf']);

describeProperties('distributed patterns', [
  {
    name: 'ScatterGather',
    seed: 1301,
    scenarios: rec({
      namespace: fc.constantFrom(undefined, 'shop'),
      props: weighted<unknown>([3, mostlyValid], [2, withBrokenProps(anyContainers, ['root', 'leaf'])]),
    }),
    build: (ctx, s) => { new ScatterGather(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
]);
