// CPU and RSS of each service's whole process tree, for all services in one pass: one /proc
// listing per tick on Linux, shared by every tree. Elsewhere pidusage does the per-pid work.
// The members found are returned too: they keep the stop and orphan lists current for
// grandchildren that later lose their parent link. The full scans also find the processes
// carrying a tree's launch marker (double-forked helpers), so the figures count them too.
import pidusage from 'pidusage';
import type { ProcessStats } from '../../../shared/model';
import { findMarkedProcesses } from './marked-processes';
import { collectTree, indexTable, readProcTable, walkTree, type ProcInfo, type ProcRef } from './proc-table';

const FULL_SCAN_EVERY = 12;

export interface TreeToSample {
  name: string;
  rootPid: number;
  known: ProcRef[];
  /** The launch's SHOWRUNNER_LAUNCH value and start time (launch-marker.ts). */
  marker?: string;
  since?: string;
}

export interface TreeSample {
  stats: ProcessStats;
  members: ProcRef[];
}

interface CpuMark {
  startTime: string;
  cpuMs: number;
}

export class TreeSampler {
  private marks = new Map<string, { at: number; byPid: Map<number, CpuMark> }>();
  private ticks = 0;

  async sample(trees: TreeToSample[]): Promise<Map<string, TreeSample>> {
    const out = new Map<string, TreeSample>();
    if (trees.length === 0) {
      this.marks.clear();
      return out;
    }
    const now = Date.now();
    const listed = this.list(trees);
    const withoutCpu: { tree: TreeToSample; members: ProcRef[] }[] = [];
    for (const tree of trees) {
      const infos = listed.get(tree.name) ?? [];
      const members = infos.map((info) => ({ pid: info.pid, startTime: info.startTime }));
      if (infos.length === 0 || infos.some((info) => info.cpuMs === null)) {
        withoutCpu.push({ tree, members });
        continue;
      }
      const previous = this.marks.get(tree.name);
      const byPid = new Map<number, CpuMark>();
      let rssBytes = 0;
      let cpuDeltaMs = 0;
      for (const info of infos) {
        rssBytes += info.rssBytes;
        byPid.set(info.pid, { startTime: info.startTime, cpuMs: info.cpuMs! });
        const before = previous?.byPid.get(info.pid);
        // A member new since the last tick most likely started since then: all its time counts.
        cpuDeltaMs += before && before.startTime === info.startTime ? info.cpuMs! - before.cpuMs : previous ? info.cpuMs! : 0;
      }
      const elapsedMs = previous ? now - previous.at : 0;
      const cpuPercent = elapsedMs > 0 ? Math.max(0, (cpuDeltaMs / elapsedMs) * 100) : 0;
      this.marks.set(tree.name, { at: now, byPid });
      out.set(tree.name, { stats: { cpuPercent, rssBytes, processCount: infos.length, at: now }, members });
    }
    for (const { tree, members } of withoutCpu) out.set(tree.name, await this.sampleWithPidusage(tree, members, now));
    for (const name of this.marks.keys()) if (!trees.some((tree) => tree.name === name)) this.marks.delete(name);
    return out;
  }

  /**
   * Most ticks walk each tree from its root (a few reads per member); every
   * FULL_SCAN_EVERY-th tick lists all of /proc, to find members the walk cannot see.
   */
  private list(trees: TreeToSample[]): Map<string, ProcInfo[]> {
    const out = new Map<string, ProcInfo[]>();
    if (this.ticks++ % FULL_SCAN_EVERY !== 0) {
      for (const tree of trees) {
        const walked = walkTree(tree.rootPid, tree.known);
        if (!walked) break;
        out.set(tree.name, walked);
      }
      if (out.size === trees.length) return out;
    }
    const table = readProcTable();
    const index = indexTable(table);
    const marked = this.marked(table, trees);
    for (const tree of trees) {
      const known = [...tree.known, ...(marked.get(tree.marker ?? '') ?? [])];
      out.set(tree.name, collectTree(table, tree.rootPid, known, index).map((ref) => table.get(ref.pid)!));
    }
    return out;
  }

  /** One pass over /proc/<pid>/environ for every tree, from the oldest launch on. */
  private marked(table: Map<number, ProcInfo>, trees: TreeToSample[]): Map<string, ProcRef[]> {
    const out = new Map<string, ProcRef[]>();
    const markers = new Set(trees.flatMap((tree) => (tree.marker ? [tree.marker] : [])));
    if (markers.size === 0) return out;
    const starts = trees.map((tree) => Number(tree.since));
    const since = starts.every((start) => Number.isFinite(start)) ? String(Math.min(...starts)) : undefined;
    for (const { ref, marker } of findMarkedProcesses(table, (value) => markers.has(value), { since })) {
      out.set(marker, [...(out.get(marker) ?? []), ref]);
    }
    return out;
  }

  private async sampleWithPidusage(tree: TreeToSample, members: ProcRef[], now: number): Promise<TreeSample> {
    const pids = members.length > 0 ? members.map((ref) => ref.pid) : [tree.rootPid];
    const stats = await new Promise<Record<string, { cpu: number; memory: number }>>((resolve) => {
      pidusage(pids, (error, result) => resolve(error ? {} : result));
    });
    let cpuPercent = 0;
    let rssBytes = 0;
    for (const stat of Object.values(stats)) {
      if (!stat) continue;
      cpuPercent += stat.cpu;
      rssBytes += stat.memory;
    }
    return { stats: { cpuPercent, rssBytes, processCount: pids.length, at: now }, members };
  }
}
