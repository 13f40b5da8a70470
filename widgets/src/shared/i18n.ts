// Every string a person reads lives in a table per locale; each area of the UI (page shell,
// test-taking, authoring, …) keeps its tables beside its components and builds a translator here.
// A missing Spanish string falls back to English, never to a key.
export type StringTable<K extends string> = Record<K, string>;

export function makeTranslator<K extends string>(tables: { en: StringTable<K> } & Record<string, Partial<StringTable<K>>>, locale: string) {
  const table = tables[locale] ?? tables.en;
  return (key: K, vars: Record<string, string | number> = {}) =>
    (table[key] ?? tables.en[key]).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

const shell = {
  en: {
    loading: 'Loading…',
    errorTitle: 'Something went wrong',
    welcomeStudent: 'Hello, {name}',
    studentIntro: 'This is your Growthline activity for {course}.',
    studentNoAssessment: 'Your teacher has not attached an assessment to this activity yet.',
    teacherTitle: 'Growthline for {course}',
    teacherIntro: 'You opened "{placement}" as a teacher. Student progress and mastery by standard appear here.',
    pickerTitle: 'Add a Growthline assessment',
    pickerIntro: 'Choose an assessment to add to {course}.',
    role: 'Role',
    course: 'Course',
  },
  es: {
    loading: 'Cargando…',
    errorTitle: 'Algo salió mal',
    welcomeStudent: 'Hola, {name}',
    studentIntro: 'Esta es tu actividad de Growthline para {course}.',
    studentNoAssessment: 'Tu maestro todavía no ha asignado una evaluación a esta actividad.',
    teacherTitle: 'Growthline para {course}',
    teacherIntro: 'Abriste "{placement}" como docente. Aquí aparecen el progreso de los estudiantes y el dominio por estándar.',
    pickerTitle: 'Agregar una evaluación de Growthline',
    pickerIntro: 'Elige una evaluación para agregar a {course}.',
    role: 'Rol',
    course: 'Curso',
  },
};
export type StringKey = keyof typeof shell.en;

export function translator(locale: string) {
  return makeTranslator<StringKey>(shell, locale);
}
export type Translate = ReturnType<typeof translator>;
