/**
 * Drill: scale-out. Three worker processes on one task queue, 60 runs started at once, one
 * worker SIGKILLed after 10 runs completed: every run completes with its events, and the runs
 * were spread over the workers (the split is printed).
 */
import assert from "node:assert/strict";
import { drill } from "./_drill.ts";
import { formatSplit, runScaleOut } from "./_scale_out.ts";

drill(
  "drill: 3 workers, 60 runs at once, one worker killed mid-way: all complete, spread",
  async ({ server, fixtures }) => {
    const o = await runScaleOut({
      address: server.address,
      fixtures,
      workers: 3,
      runs: 60,
      killAfter: 10,
      venueDelayMs: 1000,
    });
    console.log(
      `  ${o.completed}/${o.runs} completed in ${(o.elapsedMs / 1000).toFixed(1)} s; ` +
        `venue reads by worker: ${formatSplit(o.split)} (w1 killed after ${o.killedAfter})`,
    );
    assert.equal(o.killedAfter, 10, "a worker was killed mid-way");
    assert.equal(o.completed, 60, "every run completed with its events");
    const busy = Object.values(o.split).filter((n) => n > 0).length;
    assert.ok(busy >= 2, `the runs were spread over the workers: ${formatSplit(o.split)}`);
    assert.equal(Object.values(o.split).reduce((a, b) => a + b, 0), 60);
  },
);
