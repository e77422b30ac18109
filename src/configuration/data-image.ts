import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fillEmptyDir } from '../core/filled-empty-dir';
import { HealthProbe } from '../core/health-probe';
import { attachHelperContainer, findMainContainer, validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { podSpecOfManifest } from '../core/pod-spec';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions, DEFAULT_RUN_AS_ID, validateSecurityOptions } from '../core/security';
import {
  invalid, invalidInput, validateAbsolutePath, validateDnsLabel, validateEnvVarName, validatePinnedImage, validateProps,
} from '../core/validation';

/** Where the copy init container mounts the emptyDir it copies the data into (COPY mode). */
const COPY_TARGET = '/data-image-copy';

/** Paths a shell word may hold without quoting: the default commands are `sh -c` strings. */
const SHELL_SAFE_PATH = /^(\/[A-Za-z0-9._+@-]+)+$/;

/** Kernel filesystems of every container: nothing may be linked or mounted there. */
const KERNEL_DIRS = ['/proc', '/sys', '/dev'];

/**
 * How the application container gets at the data in the image.
 */
export enum DataImageMode {
  /**
   * The data image runs for the pod's life as a native sidecar (an init container with
   * `restartPolicy: Always`) that links its own root filesystem into a small shared emptyDir
   * (`ln -s /proc/<its pid>/root<sourcePath> <mountPath>`) and sleeps; with
   * `shareProcessNamespace: true` the application follows the link into the data container's
   * filesystem. Nothing is copied: any size of data, started in the time the image takes to
   * pull. The data image needs `sh`, `ln` and `sleep` (e.g. `FROM busybox`), and both
   * containers run with the same UID and GID (see `DataImage`). KServe's "modelcar".
   * Needs Kubernetes 1.29 or later (native sidecars: beta, on by default; GA in 1.33).
   */
  PROCESS_NAMESPACE = 'process-namespace',

  /**
   * An init container from the data image copies `sourcePath` into an emptyDir (capped at
   * `sizeLimit`) that the application container mounts read-only. Simple and independent of
   * UIDs, but the data is stored twice on the node (image layer and emptyDir, which counts
   * against the pod's ephemeral storage) and copied at every pod start: for data up to about
   * 100 MiB. The data image needs `cp` (or a `command` that copies into `/data-image-copy`).
   */
  COPY = 'copy',
}

/**
 * Props of `DataImage`.
 */
export interface DataImageProps {
  /**
   * The workload (any cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod, or
   * one of this library's) whose application container reads the data.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * The data image, pinned to a tag or digest, e.g. `registry.example.com/models/sentiment:1.0.0`.
   * Its files must be readable by the UID the data container runs as (world-readable, as
   * `COPY` in a Dockerfile makes them).
   */
  readonly image: string;

  /**
   * How the application reads the data.
   * @default DataImageMode.PROCESS_NAMESPACE
   */
  readonly mode?: DataImageMode;

  /**
   * The application container that reads the data.
   * @default - the workload's first container
   */
  readonly mainContainer?: string;

  /**
   * The directory inside the data image that holds the data.
   * @default '/models' (KServe's modelcar convention)
   */
  readonly sourcePath?: string;

  /**
   * Where the application container finds the data. In `PROCESS_NAMESPACE` mode this is a
   * symbolic link inside an emptyDir mounted (read-only in the application) at its parent
   * directory, so the parent must be a directory of its own, not `/`.
   * @default '/mnt/models' (KServe's modelcar convention)
   */
  readonly mountPath?: string;

  /**
   * An environment variable of the application container set to `mountPath` (e.g.
   * `MODEL_DIR`), so the application reads the data where this pattern puts it.
   * @default - none
   */
  readonly mountPathEnv?: string;

  /**
   * The command of the data container. In `PROCESS_NAMESPACE` mode it must create the link
   * `mountPath` to `/proc/<its pid>/root<sourcePath>` and keep running; Kubernetes turns `$$`
   * in a command into `$`, so the shell's PID is written `$$$$`. In `COPY` mode it must copy
   * the data into `/data-image-copy`.
   * @default - `['sh', '-c', 'ln -sfn /proc/$$$$/root<sourcePath> <mountPath> && exec sleep infinity']`
   * in PROCESS_NAMESPACE mode, `['cp', '-R', '<sourcePath>/.', '/data-image-copy/']` in COPY mode
   */
  readonly command?: string[];

  /**
   * The name of the data container.
   * @default 'data-image'
   */
  readonly containerName?: string;

  /**
   * The name of the emptyDir volume (the link's directory, or the copy).
   * @default - `<containerName>`
   */
  readonly volumeName?: string;

  /**
   * Cap the emptyDir of the copy (`COPY` mode only; the pod is evicted when the data grows
   * past it). In `PROCESS_NAMESPACE` mode the emptyDir holds one link and is capped at 1Mi.
   * @default Size.mebibytes(256)
   */
  readonly sizeLimit?: Size;

  /**
   * Resources of the data container.
   * @default ResourcePreset.NANO (it only sleeps, or copies)
   */
  readonly resources?: ResourcePreset;

  /**
   * How the data container is locked down (always Pod Security *restricted*). In
   * `PROCESS_NAMESPACE` mode `runAsUser` and `runAsGroup` must be those of the application
   * container (they default to them), and `allowNetBindService` is refused.
   * @default - PROCESS_NAMESPACE: the application container's UID and GID (65532 when it sets
   * none; the GID defaults to the UID), read-only root filesystem, no capabilities.
   * COPY: UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;
}

/**
 * Data in an image (KServe's "modelcar"; the Kubernetes Patterns talk's image volume by process
 * namespace): data too large or too separately versioned for a ConfigMap, such as a machine
 * learning model, ships as its own container image, pulled, cached and rolled like any other.
 *
 * In the default `PROCESS_NAMESPACE` mode the data image runs beside the application as a
 * native sidecar whose startup probe waits for the link into its filesystem, so the application
 * container starts only once the data is visible. The application reads the data through the
 * shared process namespace, which the kernel allows only to a process that may ptrace-read the
 * data container's process: under Pod Security *restricted* (every capability dropped, so no
 * `CAP_SYS_PTRACE`) that means the same UID and the same GID. The pattern gives the data
 * container the application container's IDs, pins the application's when it sets none, and fails
 * at synthesis, naming both containers and their IDs, when they differ.
 *
 * `COPY` mode copies the data with an init container into an emptyDir instead: for small data.
 */
export class DataImage extends Construct {
  /** The data container: a native sidecar (PROCESS_NAMESPACE) or an init container (COPY). */
  public readonly container: kplus.Container;

  /** The emptyDir: the link's directory (PROCESS_NAMESPACE) or the copy (COPY). */
  public readonly volume: kplus.Volume;

  /** The data image. */
  public readonly image: string;

  /** How the application reads the data. */
  public readonly mode: DataImageMode;

  /** Where the application container finds the data. */
  public readonly mountPath: string;

  /** The directory in the data image that holds the data. */
  public readonly sourcePath: string;

  /** The application container that reads the data. */
  public readonly mainContainer: kplus.Container;

  /** The UID the data container runs as. */
  public readonly runAsUser: number;

  /** The GID the data container runs as. */
  public readonly runAsGroup: number;

  /** The workload the data was added to. */
  public readonly workload: kplus.AbstractPod;

  constructor(scope: Construct, id: string, props: DataImageProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'image']);
    this.workload = validateWorkload(this, props.workload);
    this.mode = props.mode ?? DataImageMode.PROCESS_NAMESPACE;
    if (!Object.values(DataImageMode).includes(this.mode)) {
      invalid(this, 'mode', this.mode, `must be one of ${Object.values(DataImageMode).map(m => `"${m}"`).join(', ')} (DataImageMode)`);
    }
    this.image = validatePinnedImage(this, 'image', props.image, 'so that new data is a new image reference and rolls the pods');
    this.mainContainer = findMainContainer(this, this.workload, props.mainContainer);
    for (const c of [...this.workload.containers, ...this.workload.initContainers]) {
      if (c.image === this.image) {
        invalid(this, 'image', this.image, `must differ from the image of container ${c.name}: the data ships in its own image, apart from the application`);
      }
    }
    this.sourcePath = validatePath(this, 'sourcePath', props.sourcePath ?? '/models');
    this.mountPath = validatePath(this, 'mountPath', props.mountPath ?? '/mnt/models');
    const name = validateDnsLabel(this, 'containerName', props.containerName ?? 'data-image');
    const volumeName = validateDnsLabel(this, 'volumeName', props.volumeName ?? name);
    validateSecurityOptions(this, 'security', props.security);
    if (props.command !== undefined && (!Array.isArray(props.command) || props.command.length === 0 || props.command.some(a => typeof a !== 'string'))) {
      invalid(this, 'command', props.command, 'must hold at least the executable, as a list of strings (leave it unset for the default)');
    }
    if (props.mountPathEnv !== undefined) validateEnvVarName(this, 'mountPathEnv', props.mountPathEnv);

    const mutations = PodMutations.of(this.workload);
    if (this.mode === DataImageMode.PROCESS_NAMESPACE) {
      const linked = this.linkThroughProcessNamespace(props, name, volumeName);
      this.container = linked.container;
      this.volume = linked.volume;
      this.runAsUser = linked.uid;
      this.runAsGroup = linked.gid;
    } else {
      this.runAsUser = props.security?.runAsUser ?? DEFAULT_RUN_AS_ID;
      this.runAsGroup = props.security?.runAsGroup ?? DEFAULT_RUN_AS_ID;
      const copied = this.copyIntoEmptyDir(props, name, volumeName);
      this.container = copied.container;
      this.volume = copied.volume;
    }
    if (props.mountPathEnv !== undefined) {
      mutations.addEnv(this, 'mountPathEnv', this.mainContainer, props.mountPathEnv, kplus.EnvValue.fromValue(this.mountPath));
    }
  }

  /** PROCESS_NAMESPACE: the data container as a native sidecar, the link's emptyDir, the IDs. */
  private linkThroughProcessNamespace(props: DataImageProps, name: string, volumeName: string) {
    if (props.sizeLimit !== undefined) {
      invalid(this, 'sizeLimit', sizeText(props.sizeLimit), 'must be unset with DataImageMode.PROCESS_NAMESPACE: the data stays in the image\'s layers and the emptyDir holds one link (1Mi); sizeLimit caps the copy of DataImageMode.COPY');
    }
    if (props.security?.allowNetBindService) {
      invalid(this, 'security.allowNetBindService', true, 'must be unset or false with DataImageMode.PROCESS_NAMESPACE: the data container serves no port, and a capability the application container lacks denies it the data container\'s /proc/<pid>/root');
    }
    const linkDir = parentOf(this.mountPath);
    if (linkDir === '/') {
      invalid(this, 'mountPath', this.mountPath, 'must lie in a directory other than / (e.g. /mnt/models): with DataImageMode.PROCESS_NAMESPACE its parent directory is the emptyDir that holds the link');
    }
    if (within(this.sourcePath, linkDir)) {
      invalid(this, 'sourcePath', this.sourcePath, `must lie outside ${linkDir}, where the data container mounts the emptyDir that holds the link (the mount would hide the data)`);
    }
    const command = props.command ?? ['sh', '-c', `ln -sfn /proc/$$$$/root${this.sourcePath} ${this.mountPath} && exec sleep infinity`];
    if (props.command !== undefined) validateLinkCommand(this, props.command, this.mountPath);

    const { uid, gid } = this.alignedIds(props, name);
    const container = attachHelperContainer(this, {
      workload: this.workload,
      nativeSidecar: true,
      shareProcessNamespace: true,
      resources: props.resources ?? ResourcePreset.NANO,
      security: { ...props.security, runAsUser: uid, runAsGroup: gid },
    }, { name, image: this.image, command }, {
      name,
      probes: {
        // The application starts once the link resolves to a directory: the data is visible.
        startup: HealthProbe.exec(['sh', '-c', `test -d ${this.mountPath}/`], { period: Duration.seconds(1), failureThreshold: 30 }),
      },
    });
    const volume = kplus.Volume.fromEmptyDir(this, 'link', volumeName, { sizeLimit: Size.mebibytes(1) });
    const mutations = PodMutations.of(this.workload);
    const field = 'mountPath (its parent directory holds the link)';
    mutations.mount(this, field, container, linkDir, volume, {}, 'volumeName');
    mutations.mount(this, field, this.mainContainer, linkDir, volume, { readOnly: true }, 'volumeName');

    // The IDs of the rendered pod, after every pattern and RestrictedPods: a last line of defence
    // for a party that changed the application container's IDs after this construct.
    const main = this.mainContainer.name;
    mutations.addCheck(this.node.path, manifest => {
      const spec = podSpecOfManifest(manifest) ?? {};
      const ids = (c: string) => effectiveIds(spec, c);
      const app = ids(main);
      const data = ids(name);
      if (app.uid !== data.uid || app.gid !== data.gid) {
        invalidInput(this.node.path, `container ${name} runAsUser/runAsGroup`, `${data.uid}:${data.gid}`, mismatch(name, data, main, app));
      }
    });
    return { container, volume, uid, gid };
  }

  /**
   * The UID and GID both containers run as: the data container follows the application
   * container; where the application container (and its pod) set none, both get
   * `security` or 65532, pinned on the application container too.
   */
  private alignedIds(props: DataImageProps, name: string): { uid: number; gid: number } {
    const main = this.mainContainer;
    const pod = this.workload.securityContext;
    const appUid = main.securityContext.user ?? pod.user;
    const appGid = main.securityContext.group ?? pod.group;
    const wantUid = props.security?.runAsUser;
    const wantGid = props.security?.runAsGroup;
    if (wantUid !== undefined && appUid !== undefined && wantUid !== appUid) {
      invalid(this, 'security.runAsUser', wantUid, mismatch(name, { uid: wantUid, gid: wantGid ?? appGid }, main.name, { uid: appUid, gid: appGid }));
    }
    if (wantGid !== undefined && appGid !== undefined && wantGid !== appGid) {
      invalid(this, 'security.runAsGroup', wantGid, mismatch(name, { uid: wantUid ?? appUid, gid: wantGid }, main.name, { uid: appUid, gid: appGid }));
    }
    const uid = appUid ?? wantUid ?? DEFAULT_RUN_AS_ID;
    const gid = appGid ?? wantGid ?? uid;
    // The image's USER is unknown at synthesis: pin the application container to the same IDs.
    const mutations = PodMutations.of(this.workload);
    if (appUid === undefined) mutations.setContainerField(this, main.name, 'securityContext.runAsUser', uid);
    if (appGid === undefined) mutations.setContainerField(this, main.name, 'securityContext.runAsGroup', gid);
    return { uid, gid };
  }

  /** COPY: an init container copies the data into an emptyDir the application mounts read-only. */
  private copyIntoEmptyDir(props: DataImageProps, name: string, volumeName: string) {
    const copied = fillEmptyDir(this, {
      workload: this.workload,
      initContainer: { name, image: this.image, command: props.command },
      copyFrom: this.sourcePath,
      initMountPath: COPY_TARGET,
      readers: [this.mainContainer],
      mountPath: this.mountPath,
      volumeId: 'copy',
      volumeName,
      sizeLimit: props.sizeLimit ?? Size.mebibytes(256),
      resources: props.resources ?? ResourcePreset.NANO,
      security: props.security,
      fields: { container: 'container', containerName: 'containerName', initMountPath: 'copy target' },
    });
    return { container: copied.initContainer, volume: copied.volume };
  }
}

/** An absolute path the default commands can hold unquoted, below `/` and outside the kernel filesystems. */
function validatePath(scope: Construct, field: string, path: string): string {
  validateAbsolutePath(scope, field, path);
  if (!SHELL_SAFE_PATH.test(path)) {
    invalid(scope, field, path, 'must be an absolute path below / of letters, digits and "._+@-" without a trailing "/" (it is a word of the container\'s shell command)');
  }
  const kernel = KERNEL_DIRS.find(d => within(path, d));
  if (kernel) invalid(scope, field, path, `must lie outside ${kernel}, a kernel filesystem of every container`);
  return path;
}

/**
 * What can be checked of a PROCESS_NAMESPACE command: it names the link, and it does not write
 * the shell's PID as `$$`, which Kubernetes turns into `$` (so the link would point nowhere).
 */
function validateLinkCommand(scope: Construct, command: string[], mountPath: string): void {
  if (!command.some(a => a.includes(mountPath))) {
    invalid(scope, 'command', command, `must create the link ${mountPath} (mountPath) to /proc/<its pid>/root<sourcePath> and keep running; no argument names ${mountPath}`);
  }
  const single = command.find(a => /\/proc\/\$\$(?!\$)/.test(a.replace(/\$\$\$\$/g, '')));
  if (single !== undefined) {
    invalid(scope, 'command', single, 'must write the shell\'s PID as $$$$: Kubernetes expands $$ in a command to $, so /proc/$$/ reaches the shell as /proc/$/');
  }
}

function mismatch(dataName: string, data: { uid?: number; gid?: number }, mainName: string, app: { uid?: number; gid?: number }): string {
  const ids = (x: { uid?: number; gid?: number }) => `UID ${x.uid ?? '(image default)'}, GID ${x.gid ?? '(image default)'}`;
  return `must equal the application container's IDs: container ${dataName} (${ids(data)}) and container ${mainName} (${ids(app)}) differ. `
    + 'The application reads the data through /proc/<pid>/root of the data container, which the kernel allows only with ptrace-read access: '
    + 'under Pod Security "restricted" (no CAP_SYS_PTRACE) that needs the same UID and the same GID; give both containers the same IDs';
}

/** A container's UID and GID in a rendered pod spec: its own, else the pod's. */
function effectiveIds(spec: any, name: string): { uid?: number; gid?: number } {
  const c = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find((x: any) => x.name === name) ?? {};
  return {
    uid: c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser,
    gid: c.securityContext?.runAsGroup ?? spec.securityContext?.runAsGroup,
  };
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

function sizeText(size: unknown): unknown {
  return size instanceof Size ? `${size.toMebibytes({ rounding: SizeRoundingBehavior.NONE })}Mi` : size;
}
