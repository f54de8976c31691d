export type BuildStatus = 'running' | 'passed' | 'failed';

export interface Build {
  id: number;
  project: string;
  status: BuildStatus;
  startedAt: number;
}

export interface BuildEvent {
  kind: 'started' | 'finished';
  build: Build;
}
