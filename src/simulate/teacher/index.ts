/** The scripted teacher LLM: what other folders may use. */
export { answerAsTeacher, type Recognition, type TeacherAnswer } from './answer-as-teacher.ts';
export { startTeacherServer, type TeacherLatency, type TeacherServer, type TeacherServerOptions, type TeacherStats } from './start-teacher-server.ts';
export { drawRandomFault, teacherFaultKinds, type FaultStatus, type RandomFaults, type TeacherFault, type TeacherFaultKind } from './teacher-fault.ts';
