// What an author should hear about an adaptive assessment's module plan when saving it: the plan's notes
// (mst.ts buildModules: a standard with fewer parallel routing modules than wanted, items a level band left out)
// as structured data, so the builder can say them in the author's language. Pure: notes in, notes out.

/** One note on a plan, per standard; `message` is the core's own English sentence (logs, the command line). */
export type PlanNote =
  | { kind: 'few-routing-modules'; standard: string; count: number; wanted: number; message: string }
  | { kind: 'items-left-out'; standard: string; count: number; moduleItems: number; message: string }
  /** A note this module does not know yet: shown as the core wrote it rather than dropped. */
  | { kind: 'other'; standard: string | null; message: string };

// The two shapes mst.ts writes. plan-notes.test.ts builds real plans, so a change of wording there fails here.
const FEW_ROUTING = /^(.+): only (\d+) routing modules? \(wanted (\d+)\)/;
const LEFT_OUT = /^(.+): (\d+) items? left out \(modules hold (\d+) items?\)/;

export function planNotes(notes: readonly string[]): PlanNote[] {
  return notes.map((message): PlanNote => {
    const few = FEW_ROUTING.exec(message);
    if (few) return { kind: 'few-routing-modules', standard: few[1]!, count: Number(few[2]), wanted: Number(few[3]), message };
    const out = LEFT_OUT.exec(message);
    if (out) return { kind: 'items-left-out', standard: out[1]!, count: Number(out[2]), moduleItems: Number(out[3]), message };
    const colon = message.indexOf(': ');
    return { kind: 'other', standard: colon > 0 ? message.slice(0, colon) : null, message };
  });
}
