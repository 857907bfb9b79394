/**
 * Test events: `ev()` is a Stoup Ballard lunch truck on the fixtures' first day (2026-03-05,
 * 1–8 PM Pacific); pass the fields a test cares about.
 *
 * @example
 * ```ts ignore
 * import { ev } from "../helpers/events.ts";
 * const tbd = ev({ truckName: "TBD" });
 * ```
 * @module
 */
import type { FoodTruckEvent } from "../../src/core/model.ts";

/** A Woodshop BBQ lunch at Stoup Ballard on 2026-03-05, with `over` applied. */
export function ev(over: Partial<FoodTruckEvent> = {}): FoodTruckEvent {
  return {
    venueKey: "stoup-ballard",
    venueName: "Stoup Brewing - Ballard",
    truckName: "Woodshop BBQ",
    date: "2026-03-05",
    start: "2026-03-05T13:00:00-08:00",
    end: "2026-03-05T20:00:00-08:00",
    ...over,
  };
}
