// A simulated student's answer to any question: right from the item's own key, or wrong against it.
// Pure: tests that drive attempts through the API or the service share it.
import type { Item, ResponseValue } from '../../server/content/item.schema.js';

export function answerFor(item: Item, right: boolean): ResponseValue {
  const i = item.interaction;
  switch (i.type) {
    case 'single': return { type: 'single', choice: right ? i.key.correct : i.choices.find((c) => c.id !== i.key.correct)!.id };
    case 'multiple': return { type: 'multiple', choices: right ? [...i.key.correct] : [i.choices.find((c) => !i.key.correct.includes(c.id))!.id] };
    case 'numeric': return { type: 'numeric', text: right ? String(i.key.value) : '987654' };
    case 'text': return { type: 'text', text: right ? i.key.accepted[0]! : 'zzz' };
    case 'order': return { type: 'order', order: right ? [...i.key.correctOrder] : [...i.key.correctOrder].reverse() };
  }
}
