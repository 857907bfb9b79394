/**
 * Drill: SIGKILL of the worker inside the deploy activity, after its push landed. The deploy
 * heartbeats, so the server notices the lost worker after the 10 s heartbeat timeout (not the
 * 2-minute start-to-close timeout); the retried deploy on a second worker finds its own commit
 * and reports "published in an earlier attempt"; exactly one commit lands. A deliberately
 * non-idempotent deploy fails the same drill (two commits): the drill can tell them apart.
 */
import assert from "node:assert/strict";
import { drill } from "./_drill.ts";
import { assertExactlyOnce, NON_IDEMPOTENT_WORKER, runDeployKillDrill } from "./_deploy_kill.ts";

drill(
  "drill: SIGKILL inside the deploy after the push: one commit, heartbeat recovery",
  async ({ server, fixtures }) => {
    const o = await runDeployKillDrill({ address: server.address, fixtures });
    assertExactlyOnce(o);
    assert.equal(o.deployAttempt, 2, "the deploy completed on its second attempt");
    assert.equal(o.firstAttemptTimeout, "TIMEOUT_TYPE_HEARTBEAT", "noticed by heartbeat timeout");
    assert.equal(o.result.deploy?.earlierAttempt, true, JSON.stringify(o.result.deploy));
    assert.match(o.result.deploy!.message, /^Published [0-9a-f]{7} in an earlier attempt/);
    console.log(`  recovered ${(o.recoveredMs / 1000).toFixed(1)} s after SIGKILL during deploy`);
  },
);

drill(
  "drill: a deliberately non-idempotent deploy fails the deploy-kill drill",
  async ({ server, fixtures }) => {
    const o = await runDeployKillDrill({
      address: server.address,
      fixtures,
      workerScript: NON_IDEMPOTENT_WORKER,
    });
    assert.equal(o.commitsAtKill, 1);
    assert.throws(() => assertExactlyOnce(o), /exactly one commit lands \(found 2\)/);
  },
);
