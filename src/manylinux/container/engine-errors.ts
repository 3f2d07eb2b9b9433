/**
 * The container engine's own error text -> one ContainerError with the fix.
 * Pure: the messages matched here were captured from docker 28 and podman 4.3
 * (test/manylinux/container/engine-errors.test.ts holds them verbatim).
 */
import { ContainerError } from "../../errors.js";

export type EngineKind = "docker" | "podman";

export type EngineProblem = "not-running" | "permission" | "rootless-setup" | "image-missing" | "other";

/** What went wrong, judged from the engine's stderr. */
export function classifyEngineOutput(stderr: string): EngineProblem {
  const s = stderr;
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|Cannot connect to Podman|unable to connect to Podman socket|error during connect/i.test(s)) {
    // a refused socket reached as another user reads "permission denied" below
    if (/permission denied/i.test(s)) return "permission";
    return "not-running";
  }
  if (/permission denied while trying to connect|dial unix [^:]+: connect: permission denied|Got permission denied/i.test(s)) return "permission";
  if (/cannot find UID\/GID for user|no subuid ranges|newuidmap|cannot set up namespace using|user namespaces are not enabled/i.test(s)) return "rootless-setup";
  if (
    /image not known|No such image|Unable to find image|manifest unknown|pull access denied|repository does not exist|requested access to the resource is denied|unauthorized|pinging container registry|initializing source docker:|invalid reference format|not found: manifest/i.test(
      s,
    )
  ) {
    return "image-missing";
  }
  return "other";
}

/** The last meaningful line of an engine's stderr (retries and warnings dropped). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^Run '.*--help' for more information/.test(l) && !/level=warning/.test(l));
  const errorLines = lines.filter((l) => /error/i.test(l));
  const pick = errorLines[errorLines.length - 1] ?? lines[lines.length - 1] ?? "";
  return pick.replace(/^(docker: )?Error( response from daemon)?: /, "").replace(/^Error: /, "");
}

export interface EngineErrorContext {
  kind: EngineKind;
  /** The command used (`docker`, `/usr/bin/podman`). */
  command: string;
  /** What pyts-build was doing, e.g. "probe" or "pull quay.io/pypa/manylinux2014_x86_64". */
  action: string;
  image?: string;
  env?: NodeJS.ProcessEnv;
  /** What an unrecognised failure means here (a failed pull: the image is missing). */
  otherwise?: EngineProblem;
}

const PODMAN_SOCKET_TIP =
  "or serve podman on a socket for the docker CLI: `podman system service --time=0 unix:///tmp/podman.sock &` and DOCKER_HOST=unix:///tmp/podman.sock";

/** Build the ContainerError for a failed engine command. */
export function engineError(stderr: string, ctx: EngineErrorContext): ContainerError {
  const seen = classifyEngineOutput(stderr);
  const problem = seen === "other" && ctx.otherwise ? ctx.otherwise : seen;
  const detail = lastErrorLine(stderr);
  const env = ctx.env ?? process.env;
  switch (problem) {
    case "not-running": {
      if (ctx.kind === "docker") {
        const where = env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : "the default socket /var/run/docker.sock";
        return new ContainerError(
          `the docker CLI cannot reach a Docker daemon at ${where} (${detail})`,
          `start Docker (\`sudo systemctl start docker\` or Docker Desktop), point DOCKER_HOST at a running daemon, or use --engine podman; ${PODMAN_SOCKET_TIP}`,
        );
      }
      return new ContainerError(
        `podman cannot reach its service (${detail})`,
        "start it (`podman machine start` on macOS/Windows, `podman system service` for a remote connection), or unset CONTAINER_HOST to use local podman",
      );
    }
    case "permission":
      return new ContainerError(
        `permission denied talking to ${ctx.kind === "docker" ? "the Docker daemon" : "podman"} (${detail})`,
        ctx.kind === "docker"
          ? "add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), use rootless Docker, or --engine podman"
          : "check the permissions of the podman socket (CONTAINER_HOST), or run podman as the user who owns it",
      );
    case "rootless-setup":
      return new ContainerError(
        `rootless podman is not set up for this user (${detail})`,
        "give the user subordinate ids: `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $USER`, then `podman system migrate`",
      );
    case "image-missing": {
      const image = ctx.image ?? "the image";
      return new ContainerError(
        `container image ${image} is not available locally and could not be pulled (${detail})`,
        `check the name, then \`${ctx.kind} pull ${image}\` where its registry is reachable (or \`${ctx.kind} login\`), build it locally (see docker/ in pyts-build), or pick another with --image`,
      );
    }
    default:
      return new ContainerError(
        `${ctx.command} failed to ${ctx.action}${detail ? `: ${detail}` : ""}`,
        `run the same ${ctx.kind} command by hand to see the whole message; --verbose shows the command pyts-build ran`,
      );
  }
}
