import assert from "node:assert/strict";
import {
  addDays,
  assertYmd,
  dateFromMonthDay,
  formatTime12,
  localOrOffsetIsoToPacific,
  pacificDateOf,
  pacificIso,
  pacificParts,
  pacificToday,
  pacificWindow,
} from "../src/core/time.ts";

const TIME_MODULE = new URL("../src/core/time.ts", import.meta.url).href;

Deno.test("pacificIso: on spring-forward day 2026-03-08, afternoon is PDT (-07:00)", () => {
  assert.equal(pacificIso("2026-03-08", 13, 0), "2026-03-08T13:00:00-07:00");
  assert.equal(pacificIso("2026-03-08", 1, 59), "2026-03-08T01:59:00-08:00");
  assert.equal(pacificIso("2026-03-08", 3, 0), "2026-03-08T03:00:00-07:00");
});

Deno.test("pacificIso: the skipped 2:30 AM of spring-forward resolves to 3:30 AM PDT", () => {
  const iso = pacificIso("2026-03-08", 2, 30);
  assert.equal(iso, "2026-03-08T03:30:00-07:00");
  assert.equal(Date.parse(iso), Date.parse("2026-03-08T10:30:00Z"));
});

Deno.test("pacificIso: the day before spring-forward is still PST (-08:00)", () => {
  assert.equal(pacificIso("2026-03-07", 13, 0), "2026-03-07T13:00:00-08:00");
  assert.equal(pacificIso("2026-03-07", 23, 59), "2026-03-07T23:59:00-08:00");
});

Deno.test("pacificIso: the repeated 1:30 AM of fall-back 2026-11-01 is its first (PDT) occurrence", () => {
  const iso = pacificIso("2026-11-01", 1, 30);
  assert.equal(iso, "2026-11-01T01:30:00-07:00");
  assert.equal(Date.parse(iso), Date.parse("2026-11-01T08:30:00Z"));
  assert.equal(pacificIso("2026-11-01", 0, 30), "2026-11-01T00:30:00-07:00");
});

Deno.test("pacificIso: after fall-back, 2026-11-01 afternoon is PST (-08:00)", () => {
  assert.equal(pacificIso("2026-11-01", 13, 0), "2026-11-01T13:00:00-08:00");
  assert.equal(pacificIso("2026-11-01", 2, 0), "2026-11-01T02:00:00-08:00");
});

Deno.test("pacificIso: the day before fall-back is still PDT (-07:00)", () => {
  assert.equal(pacificIso("2026-10-31", 13, 0), "2026-10-31T13:00:00-07:00");
});

Deno.test("pacificIso: rejects a day that does not exist", () => {
  assert.throws(() => pacificIso("2026-02-30", 12, 0), RangeError);
});

Deno.test("pacificToday(instant): the Pacific day flips at Pacific midnight in winter (PST)", () => {
  assert.equal(pacificToday(Date.parse("2026-03-05T07:59:59Z")), "2026-03-04");
  assert.equal(pacificToday(Date.parse("2026-03-05T08:00:00Z")), "2026-03-05");
});

Deno.test("pacificToday(instant): the Pacific day flips at Pacific midnight in summer (PDT)", () => {
  assert.equal(pacificToday(Date.parse("2026-07-01T06:59:59Z")), "2026-06-30");
  assert.equal(pacificToday(Date.parse("2026-07-01T07:00:00Z")), "2026-07-01");
  // The midnight after spring-forward is already PDT.
  assert.equal(pacificToday(Date.parse("2026-03-09T06:59:59Z")), "2026-03-08");
  assert.equal(pacificToday(Date.parse("2026-03-09T07:00:00Z")), "2026-03-09");
});

Deno.test("pacificDateOf: the Pacific day of an ISO string with any offset", () => {
  assert.equal(pacificDateOf("2026-03-05T05:00:00Z"), "2026-03-04");
  assert.equal(pacificDateOf("2026-03-05T23:30:00-08:00"), "2026-03-05");
  assert.throws(() => pacificDateOf("soon"), RangeError);
});

async function evalWithTz(tz: string, code: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", "--ext=ts", code],
    env: { TZ: tz, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("pacificToday and pacificIso do not depend on the process time zone", async () => {
  // 07:30Z on March 5 is March 5 in Tokyo (+09) and Kiritimati (+14), but March 4 in Pacific.
  const code = `import { pacificToday, pacificIso } from "${TIME_MODULE}";
    const winter = Date.parse("2026-03-05T07:30:00Z");
    const summer = Date.parse("2026-07-01T06:30:00Z");
    console.log(JSON.stringify({
      localDate: new Date(winter).getDate(),
      before: pacificToday(),
      winter: pacificToday(winter),
      summer: pacificToday(summer),
      iso: pacificIso("2026-03-08", 13, 0),
      after: pacificToday(),
    }));`;
  for (const tz of ["Asia/Tokyo", "Pacific/Kiritimati"]) {
    const before = pacificToday();
    const r = JSON.parse(await evalWithTz(tz, code));
    const after = pacificToday();
    assert.equal(r.localDate, 5, `${tz} was not applied to the subprocess`);
    assert.equal(r.winter, "2026-03-04", tz);
    assert.equal(r.summer, "2026-06-30", tz);
    assert.equal(r.iso, "2026-03-08T13:00:00-07:00", tz);
    // pacificToday() with no argument: the same Pacific day the parent sees (either side of a
    // midnight that passes while the subprocess runs).
    assert.ok([before, after].includes(r.before), `${tz}: ${r.before} vs ${before}/${after}`);
    assert.ok([before, after].includes(r.after), `${tz}: ${r.after} vs ${before}/${after}`);
  }
});

Deno.test("addDays: crosses month and year ends", () => {
  assert.equal(addDays("2026-01-31", 1), "2026-02-01");
  assert.equal(addDays("2026-12-31", 1), "2027-01-01");
  assert.equal(addDays("2027-01-01", -1), "2026-12-31");
  assert.equal(addDays("2026-03-05", 7), "2026-03-12");
  assert.equal(addDays("2026-12-28", 7), "2027-01-04");
});

Deno.test("addDays: handles leap days and non-leap Februaries", () => {
  assert.equal(addDays("2028-02-28", 1), "2028-02-29");
  assert.equal(addDays("2028-02-29", 1), "2028-03-01");
  assert.equal(addDays("2026-02-28", 1), "2026-03-01");
  assert.equal(addDays("2028-03-01", -1), "2028-02-29");
});

Deno.test("addDays: is calendar arithmetic, unaffected by the DST change", () => {
  assert.equal(addDays("2026-03-07", 1), "2026-03-08");
  assert.equal(addDays("2026-03-08", 1), "2026-03-09");
  assert.equal(addDays("2026-11-01", 1), "2026-11-02");
});

Deno.test("addDays: rejects an invalid start day", () => {
  assert.throws(() => addDays("2026-02-30", 1), RangeError);
});

Deno.test("pacificWindow: from through from + 7 days by default", () => {
  assert.deepEqual(pacificWindow("2026-03-05"), { from: "2026-03-05", to: "2026-03-12" });
  assert.deepEqual(pacificWindow("2026-12-30", 3), { from: "2026-12-30", to: "2027-01-02" });
});

Deno.test("formatTime12: noon is 12:00 PM and midnight is 12:00 AM", () => {
  assert.equal(formatTime12("2026-03-05T12:00:00-08:00"), "12:00 PM");
  assert.equal(formatTime12("2026-03-05T00:00:00-08:00"), "12:00 AM");
});

Deno.test("formatTime12: 13:05 is 1:05 PM, shown in Pacific time whatever the offset", () => {
  assert.equal(formatTime12("2026-03-05T13:05:00-08:00"), "1:05 PM");
  assert.equal(formatTime12("2026-03-05T21:05:00Z"), "1:05 PM");
  assert.equal(formatTime12("2026-07-01T09:07:00-07:00"), "9:07 AM");
  assert.throws(() => formatTime12("later"), RangeError);
});

Deno.test("assertYmd: rejects 2026-02-30 and malformed days, accepts real ones", () => {
  assert.throws(() => assertYmd("2026-02-30"), /not a real calendar day/);
  assert.throws(() => assertYmd("2026-02-29"), /not a real calendar day/);
  assert.throws(() => assertYmd("2026-13-01"), /not a real calendar day/);
  assert.throws(() => assertYmd("2026-3-5"), /YYYY-MM-DD/);
  assert.throws(() => assertYmd("2026-03-05T00:00"), /YYYY-MM-DD/);
  assertYmd("2028-02-29");
  assertYmd("2026-03-05");
});

Deno.test("dateFromMonthDay: a month earlier than today's rolls over to next year", () => {
  assert.equal(dateFromMonthDay(1, 2, "2026-12-28"), "2027-01-02");
  assert.equal(dateFromMonthDay(11, 30, "2026-12-28"), "2027-11-30");
  assert.equal(dateFromMonthDay(2, 29, "2027-12-01"), "2028-02-29");
});

Deno.test("dateFromMonthDay: this month and later months stay in today's year", () => {
  assert.equal(dateFromMonthDay(12, 31, "2026-12-28"), "2026-12-31");
  assert.equal(dateFromMonthDay(3, 1, "2026-03-05"), "2026-03-01");
  assert.equal(dateFromMonthDay(4, 2, "2026-03-05"), "2026-04-02");
});

Deno.test("dateFromMonthDay: a day that does not exist in the inferred year is a RangeError", () => {
  assert.throws(() => dateFromMonthDay(2, 30, "2026-02-01"), RangeError);
  assert.throws(() => dateFromMonthDay(2, 29, "2026-01-10"), RangeError);
  assert.throws(() => dateFromMonthDay(3, 5, "2026-02-30"), RangeError);
});

Deno.test("localOrOffsetIsoToPacific: a value without offset is Pacific wall time", () => {
  assert.equal(localOrOffsetIsoToPacific("2026-03-07T12:00:00"), "2026-03-07T12:00:00-08:00");
  assert.equal(localOrOffsetIsoToPacific("2026-03-08T13:00:00"), "2026-03-08T13:00:00-07:00");
  assert.equal(localOrOffsetIsoToPacific("2026-03-08 13:00"), "2026-03-08T13:00:00-07:00");
  assert.equal(localOrOffsetIsoToPacific("2026-03-08T02:30:00"), "2026-03-08T03:30:00-07:00");
  assert.equal(localOrOffsetIsoToPacific(" 2026-03-07T12:00:00.000 "), "2026-03-07T12:00:00-08:00");
});

Deno.test("localOrOffsetIsoToPacific: a value with an offset is that instant, in Pacific", () => {
  assert.equal(localOrOffsetIsoToPacific("2026-03-08T20:00:00Z"), "2026-03-08T13:00:00-07:00");
  assert.equal(localOrOffsetIsoToPacific("2026-03-08T20:00:00z"), "2026-03-08T13:00:00-07:00");
  assert.equal(
    localOrOffsetIsoToPacific("2026-03-07T17:00:00-05:00"),
    "2026-03-07T14:00:00-08:00",
  );
  assert.equal(localOrOffsetIsoToPacific("2026-03-07T17:00:00-0500"), "2026-03-07T14:00:00-08:00");
  assert.equal(localOrOffsetIsoToPacific("2026-03-07T17:00:00-05"), "2026-03-07T14:00:00-08:00");
  assert.equal(localOrOffsetIsoToPacific("2026-03-06T02:00:00+09:00"), "2026-03-05T09:00:00-08:00");
});

Deno.test("localOrOffsetIsoToPacific: date-only, empty and unreadable values are null", () => {
  assert.equal(localOrOffsetIsoToPacific("2026-03-07"), null);
  assert.equal(localOrOffsetIsoToPacific(""), null);
  assert.equal(localOrOffsetIsoToPacific(undefined), null);
  assert.equal(localOrOffsetIsoToPacific(), null);
  assert.equal(localOrOffsetIsoToPacific("soon"), null);
  assert.equal(localOrOffsetIsoToPacific("2026-03-07T1:00"), null);
});

Deno.test("localOrOffsetIsoToPacific: a day or time that does not exist is null, not rolled over", () => {
  assert.equal(localOrOffsetIsoToPacific("2026-02-30T12:00:00"), null);
  assert.equal(localOrOffsetIsoToPacific("2026-02-30T12:00:00Z"), null);
  assert.equal(localOrOffsetIsoToPacific("2026-03-05T25:00:00"), null);
  assert.equal(localOrOffsetIsoToPacific("2026-03-05T12:60:00-08:00"), null);
});

Deno.test("pacificParts (offset cached per UTC hour) agrees with Intl around zone changes", () => {
  const intl = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const expected = (t: number) => {
    const o: Record<string, number> = {};
    for (const p of intl.formatToParts(new Date(t))) {
      if (p.type !== "literal") o[p.type] = Number(p.value);
    }
    return {
      year: o.year,
      month: o.month,
      day: o.day,
      hour: o.hour,
      minute: o.minute,
      second: o.second,
    };
  };
  // Each minute (+7 s) of the days around the 2026 changes, and of the 1883 switch from local
  // mean time (-7:52:58, whose seconds the cached offset must keep).
  for (const [y, m, d] of [[2026, 2, 7], [2026, 10, 0], [1883, 10, 18]]) {
    for (let t = Date.UTC(y, m, d); t < Date.UTC(y, m, d + 3); t += 60_007) {
      assert.deepEqual(pacificParts(t), expected(t), new Date(t).toISOString());
    }
  }
});
