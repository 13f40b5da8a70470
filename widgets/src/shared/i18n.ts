// Every string a person reads, one table per locale. Spanish is complete; a missing key falls back to English.
const en = {
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
} as const;
export type StringKey = keyof typeof en;

const es: Record<StringKey, string> = {
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
};

const tables: Record<string, Record<StringKey, string>> = { en, es };

export function translator(locale: string) {
  const table = tables[locale] ?? en;
  return (key: StringKey, vars: Record<string, string> = {}) =>
    (table[key] ?? en[key]).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}
export type Translate = ReturnType<typeof translator>;
