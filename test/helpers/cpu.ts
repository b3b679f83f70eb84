/**
 * CPU time this process spent running `work`, in milliseconds. Tests that guard against
 * pathological cost (a backtracking regex, a quadratic scan) measure CPU time rather than wall
 * time: the test machine is shared with other test files and processes, and their load stretches
 * wall time but not the CPU time our own code uses. Speed targets live in `npm run bench`.
 */
export function cpuMillis(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1_000;
}
