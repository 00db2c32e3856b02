// Describes the machine a benchmark ran on, in one line for the table and as an object for the JSON results
// (CONTRIBUTING.md, 'Benchmarks': figures mean nothing without the machine they came from).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { basename, dirname } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';

export interface MachineInfo {
  cpu: string;
  /** Logical cores the process may use (cgroup/affinity aware). */
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** The filesystem holding `dataPath`: device, type and whether the kernel reports it as rotational. */
  disk: string;
  /** CPU microseconds of one page fault on fresh memory (pageFaultProbeUs). */
  pageFaultUs: number;
}

export function machineInfo(dataPath = process.cwd()): MachineInfo {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown cpu',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch} ${release()}`,
    disk: describeDisk(dataPath),
    pageFaultUs: pageFaultProbeUs(),
  };
}

/** e.g. "AMD EPYC, 2 cores, 23.5 GiB, node v20.20.0, linux-x64 6.1, disk /dev/vda ext4 rotational=1, page fault
 *  12 us" */
export function machineLine(dataPath?: string): string {
  const m = machineInfo(dataPath);
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}, disk ${m.disk}, ` +
    `page fault ${m.pageFaultUs < 1 ? m.pageFaultUs.toFixed(2) : m.pageFaultUs.toFixed(1)} us`;
}

/**
 * CPU microseconds per page fault when fresh memory is first touched: the median of 3 rounds, each a 64 MiB
 * ArrayBuffer (over glibc's largest mmap threshold, 32 MiB, so always freshly mapped) with one byte written per 4 KiB
 * page. Bare metal is commonly a fraction of a microsecond; the VMs of 2026-12-06 took 11-15 us. That matters
 * wherever work allocates and frees large blocks: V8 maps a fresh chunk for every object over 128 KiB (a decoded
 * page's two-byte string, say) and unmaps it when the object dies, so a 120 KB page of mostly ASCII with a few curly
 * quotes (a 240 KiB string) took ~60 faults to decode, ~1 ms on such a VM. bench/ingest/stages.ts counts each
 * stage's faults. Measured once a process, on the first call: late in a process with a large heap, the kernel's
 * answer varied 10x from round to round.
 */
export function pageFaultProbeUs(): number {
  probedFaultUs ??= measureFaultUs();
  return probedFaultUs;
}
let probedFaultUs: number | undefined;

function measureFaultUs(): number {
  const rounds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const f0 = process.resourceUsage().minorPageFault;
    const u0 = process.cpuUsage();
    const bytes = new Uint8Array(new ArrayBuffer(64 << 20));
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    const u = process.cpuUsage(u0);
    rounds.push((u.user + u.system) / Math.max(1, process.resourceUsage().minorPageFault - f0));
  }
  return rounds.sort((a, b) => a - b)[1];
}

function describeDisk(path: string): string {
  if (process.platform !== 'linux') return 'unknown';
  try {
    let target = path;
    while (!existsSync(target)) target = dirname(target);
    target = realpathSync(target);
    // The longest mount point that prefixes the path is the filesystem it lives on.
    let best: { mount: string; dev: string; type: string } | undefined;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [dev, mount, type] = line.split(' ');
      if (!dev || !mount || !type) continue;
      const within = target === mount || target.startsWith(mount.endsWith('/') ? mount : mount + '/');
      if (within && (!best || mount.length > best.mount.length)) best = { mount, dev, type };
    }
    if (!best) return 'unknown';
    return `${best.dev} ${best.type}${rotational(best.dev)}`;
  } catch {
    return 'unknown';
  }
}

function rotational(dev: string): string {
  if (!dev.startsWith('/dev/')) return '';
  // Partitions (vda1, nvme0n1p2) report through their parent disk's queue.
  const name = basename(dev);
  for (const candidate of [name, name.replace(/p?\d+$/, '')]) {
    const file = `/sys/block/${candidate}/queue/rotational`;
    // Virtual disks often say rotational whatever backs them, so the flag is reported as the kernel gives it.
    if (existsSync(file)) return ` rotational=${readFileSync(file, 'utf8').trim()}`;
  }
  return '';
}

/** CPU milliseconds of a fixed workload (deflate and inflate 4 MB of pseudo-random letters), the median of 5 rounds.
 *  Taken just before a timed run, it says how fast the machine is at that moment: on a shared VM the same build and
 *  input have run 30% slower a quarter of an hour apart, and this figure moves with it. None of our code runs in it. */
export function cpuProbeMs(): number {
  const data = Buffer.alloc(4 << 20);
  let x = 1;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data[i] = 97 + ((x >>> 16) % 20);
  }
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const u0 = process.cpuUsage();
    inflateSync(deflateSync(data));
    const u = process.cpuUsage(u0);
    rounds.push((u.user + u.system) / 1000);
  }
  return rounds.sort((a, b) => a - b)[2];
}
