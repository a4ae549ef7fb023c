// A state that lives for one process: what a sweep without --state uses (every finding is new),
// and what tests sweep with.
import { emptyState, type MonitorState, type StateStore } from './model';

export class MemoryStateStore implements StateStore {
  readonly location = 'memory';
  saves = 0;
  private state: string = JSON.stringify(emptyState());

  async load(): Promise<MonitorState> {
    return JSON.parse(this.state) as MonitorState;
  }

  async save(state: MonitorState): Promise<void> {
    this.state = JSON.stringify(state);
    this.saves++;
  }
}
