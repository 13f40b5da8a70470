// Every word a student reads or hears while taking a test: English here, Spanish in strings.es.ts
// (fetched only for a Spanish launch). Keys are grouped by the component that uses them; {name} is filled in by the translator.
import { makeTranslator } from '../shared/i18n.js';

const en = {
  // page
  viewsLabel: 'What to show',
  viewActivity: 'This activity',
  viewProgress: 'My progress',
  viewFailed: 'This could not be loaded. Check your internet connection, then try again.',
  starting: 'Getting your test ready…',
  noAssessment: 'Your teacher has not attached an assessment to this activity yet. Check back later.',
  noAttemptsLeft: 'You have no attempts left for this activity.',
  startFailed: 'We could not open your test: {detail}',
  tryAgain: 'Try again',
  // runner
  questionOf: 'Question {n} of {total}',
  answeredOf: '{n} of {total} answered',
  previous: 'Previous',
  next: 'Next',
  flag: 'Flag for review',
  reviewAnswers: 'Review answers',
  toolbar: 'Test tools',
  questionNav: 'Move between questions',
  sendingLast: 'Sending your last answers…',
  submitOffline: 'You are offline. Your answers are safe on this device. Your test will be submitted as soon as you are back online.',
  submitting: 'Submitting your answers…',
  submitFailed: 'Your test could not be submitted: {detail}',
  closed: 'Your answers can no longer be changed: {detail}',
  halted: 'Your answers could not be saved ({detail}). They are kept on this device: open the activity again from your course to continue.',
  notDurable: 'This browser will not keep answers on the device. Keep this page open until it says all answers are saved.',
  preview: 'Preview: answers in a preview are not graded.',
  // adaptive tests (one part at a time)
  partOf: 'Part {part} of at most {max}',
  partQuestionOf: 'Part {part}: question {n} of {total}',
  finishPart: 'Finish this part',
  finishPartTitle: 'Finish this part?',
  finishPartBody: 'After you finish this part, you cannot change its answers. The next part, if there is one, is chosen from your answers so far.',
  finishingPart: 'Finishing this part…',
  finishOffline: 'You are offline. Your answers are safe on this device. This part will be finished as soon as you are back online.',
  partReady: 'Part {part} is ready.',
  reviewPartIntro: 'Choose a question to go back to it. When you are ready, finish this part.',
  // submit dialog
  confirmTitle: 'Submit your answers?',
  confirmBody: 'After you submit, you cannot change your answers.',
  confirmUnanswered: 'Questions not answered: {n}.',
  confirmSubmit: 'Submit',
  cancel: 'Go back',
  // review
  reviewTitle: 'Review your answers',
  reviewIntro: 'Choose a question to go back to it. When you are ready, submit your answers.',
  reviewSummary: '{answered} answered, {unanswered} not answered, {flagged} flagged for review.',
  statusAnswered: 'Answered',
  statusUnanswered: 'Not answered',
  statusFlagged: 'Flagged for review',
  goTo: 'Question {n}',
  submit: 'Submit answers',
  // save status
  saved: 'All answers saved',
  saving: 'Saving…',
  offline: 'Offline: {n} answers kept on this device, sent when you reconnect',
  offlineNone: 'Offline: new answers will be kept on this device',
  notSaved: 'Answers not saved',
  // time
  timeLeft: 'Time left: {time}',
  minutesLeft5: '5 minutes left.',
  minutesLeft1: '1 minute left.',
  timeUp: 'Time is up. Submitting your answers…',
  // interactions
  yourAnswer: 'Your answer',
  selectAll: 'Select all that apply.',
  numberHint: 'Type a number.',
  orderHint: 'Put these in order. Use the Move up and Move down buttons.',
  moveUp: 'Move up',
  moveDown: 'Move down',
  moved: 'Moved “{item}” to position {pos} of {total}.',
  keepOrder: 'Use this order as my answer',
  orderKept: 'This order is saved as your answer.',
  // read aloud
  readAloud: 'Read aloud',
  listen: 'Listen to the question',
  stop: 'Stop reading',
  choiceN: 'Choice {n}.',
  // results
  resultsTitle: 'Your results',
  scoreLine: 'You answered {score} of {max} correctly ({percent}%).',
  byStandard: 'What you showed, skill by skill',
  levelNotYet: 'Not yet',
  levelAlmost: 'Almost',
  levelGotIt: 'Got it',
  correctOf: '{correct} of {total} correct',
  nextStep: 'Next step:',
  answersTitle: 'Your answers',
  correct: 'Correct',
  incorrect: 'Not correct',
  yourResponse: 'Your answer:',
  correctAnswer: 'Correct answer:',
  noResponse: 'No answer',
  why: 'Why:',
  masteredLine: 'You showed mastery of {n} of {total} skills.',
  scaleScore: 'Scale score: {score} (give or take {se})',
  scaleHint: 'Scale scores run from {min} to {max} and mean the same on every Growthline test, so you can compare them over time.',
  pMastery: 'Chance you have mastered it: {p}%',
  adaptiveLength: 'You answered {items} questions in {parts} parts.',
};

export type TestStringKey = keyof typeof en;

/** The tables loaded so far: English always, Spanish after loadTestStrings('es'). */
export const testStrings: { en: typeof en } & Record<string, Partial<Record<TestStringKey, string>>> = { en };
let spanish: Promise<void> | undefined;

/**
 * Fetches a locale's table (English is built in; Spanish is a separate chunk, so an English launch never
 * downloads it). Resolves once testTranslator(locale) speaks that language; never rejects: if the chunk
 * cannot be fetched, the student reads English rather than nothing.
 */
export function loadTestStrings(locale: string): Promise<void> {
  if (locale !== 'es') return Promise.resolve();
  // A failed fetch is forgotten, so the next call tries again.
  return spanish ??= import('./strings.es.js').then((m) => { testStrings.es = m.es; }, () => { spanish = undefined; });
}

/** Speaks `locale` if loadTestStrings(locale) has finished, English until then (and for unknown locales). */
export function testTranslator(locale: string) {
  return makeTranslator<TestStringKey>(testStrings, locale);
}
export type TestTranslate = ReturnType<typeof testTranslator>;
