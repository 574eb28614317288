/**
 * A state machine as the console draws it: its states and transitions laid out by dagre, and an execution's
 * history read back onto them (the path taken, the state that failed, where the error was caught).
 */
import dagre from '@dagrejs/dagre';

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next: string } & Record<string, unknown>>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
}

interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

interface GraphNode {
  id: string;
  label: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The Parallel or Map state this one runs inside. */
  parent?: string;
}

interface GraphEdge {
  from: string;
  to: string;
  kind: 'next' | 'choice' | 'default' | 'catch' | 'branch';
  label?: string;
  points: Array<{ x: number; y: number }>;
}

export interface StateMachineGraph {
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const START = '(start)';
export const END = '(end)';
const JOIN = ' (join)';

/** Nodes and edges of an ASL definition; a Parallel or Map state fans out to its branches and joins again. */
export function layoutStateMachine(definition: string): StateMachineGraph {
  const machine = JSON.parse(definition) as AslMachine;
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 12, marginx: 90, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const parents = new Map<string, string>();
  const edges: Array<Omit<GraphEdge, 'points'>> = [];
  const addNode = (id: string, label: string, type: string) => {
    const width = Math.max(96, Math.min(240, label.length * 7.4 + 28));
    graph.setNode(id, { label, type, width, height: 38 });
  };

  const addMachine = (sub: AslMachine, entry: string, exit: string, parent?: string) => {
    edges.push({ from: entry, to: sub.StartAt, kind: parent ? 'branch' : 'next' });
    for (const [name, state] of Object.entries(sub.States)) {
      addNode(name, name, state.Type);
      if (parent) parents.set(name, parent);
      let after = name;
      const inner = state.Type === 'Map' ? (state.ItemProcessor ?? state.Iterator) : undefined;
      const branches = state.Type === 'Parallel' ? (state.Branches ?? []) : inner ? [inner] : [];
      if (branches.length > 0) {
        after = `${name}${JOIN}`;
        addNode(after, state.Type === 'Map' ? 'each item done' : 'all branches done', 'Join');
        if (parent) parents.set(after, parent);
        for (const branch of branches) addMachine(branch, name, after, name);
      }
      if (state.Next) edges.push({ from: after, to: state.Next, kind: 'next' });
      if (state.End || state.Type === 'Succeed' || state.Type === 'Fail')
        edges.push({ from: after, to: exit, kind: parent ? 'branch' : 'next' });
      for (const choice of state.Choices ?? [])
        edges.push({ from: name, to: choice.Next, kind: 'choice', label: describeChoice(choice) });
      if (state.Default) edges.push({ from: name, to: state.Default, kind: 'default', label: 'otherwise' });
      for (const c of state.Catch ?? [])
        edges.push({ from: name, to: c.Next, kind: 'catch', label: `catch ${c.ErrorEquals.join(', ')}` });
    }
  };

  addNode(START, 'Start', 'Start');
  addNode(END, 'End', 'End');
  addMachine(machine, START, END);
  edges.forEach((edge, i) => {
    const label = edge.label ? shorten(edge.label, 34) : undefined;
    graph.setEdge(
      edge.from,
      edge.to,
      label ? { label, width: label.length * 6.2, height: 14, labelpos: 'c' } : {},
      String(i),
    );
  });
  dagre.layout(graph);

  const nodes: GraphNode[] = graph.nodes().map((id) => {
    const n = graph.node(id) as {
      label: string;
      type: string;
      x: number;
      y: number;
      width: number;
      height: number;
    };
    const node: GraphNode = {
      id,
      label: n.label,
      type: n.type,
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
    };
    const parent = parents.get(id);
    if (parent) node.parent = parent;
    return node;
  });
  const laidOut = edges.map((edge, i) => {
    const e = graph.edge({ v: edge.from, w: edge.to, name: String(i) }) as {
      points?: Array<{ x: number; y: number }>;
    };
    return { ...edge, ...(edge.label ? { label: shorten(edge.label, 34) } : {}), points: e.points ?? [] };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges: laidOut };
}

function describeChoice(choice: Record<string, unknown>): string {
  const variable = typeof choice.Variable === 'string' ? choice.Variable.replace(/^\$\.?/, '') : '';
  for (const [key, value] of Object.entries(choice)) {
    if (key === 'Variable' || key === 'Next') continue;
    if (key === 'And' || key === 'Or' || key === 'Not') return `${key.toLowerCase()}(…)`;
    const operator = key.replace(/Path$/, '').replace(/^(String|Numeric|Boolean|Timestamp)/, '');
    const symbol: Record<string, string> = {
      Equals: '=',
      LessThan: '<',
      GreaterThan: '>',
      LessThanEquals: '≤',
      GreaterThanEquals: '≥',
      IsPresent: 'present',
      Matches: 'matches',
    };
    return `${variable} ${symbol[operator] ?? operator} ${JSON.stringify(value)}`;
  }
  return variable;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ---- an execution's history on the graph ----

export interface HistoryEvent {
  id: number;
  timestamp: number | Date;
  type: string;
  [details: string]: unknown;
}

/** One time an execution was in a state. */
interface StateVisit {
  name: string;
  type: string;
  enteredAt: string;
  exitedAt?: string;
  durationMs?: number;
  input?: string;
  output?: string;
  /** Every attempt of a Task: the first and its retries. */
  attempts: number;
  retries: number;
  errors: Array<{ error?: string; cause?: string; at: string }>;
  /** How its last task attempt ended (Tasks only). */
  lastAttempt?: 'running' | 'succeeded' | 'failed';
  /** The error ended this state: not retried further. */
  failed: boolean;
  /** Where that error went: a Catch's Next, or nowhere (the execution failed). */
  caughtBy?: string;
}

export interface ExecutionPath {
  visits: StateVisit[];
  /** States entered, in order (a state entered twice appears twice). */
  path: string[];
  /** Nodes the execution reached (states, the joins of finished Parallel and Map states, Start, End). */
  reached: string[];
  /** Nodes it left normally: a transition out of one of them to a reached node was taken. */
  left: string[];
  /** Catch transitions taken. */
  caught: Array<{ from: string; to: string }>;
  failedStates: string[];
  /** The state whose outcome chose how this execution ended: the last Choice taken or error caught or raised. */
  decidedBy?: { state: string; how: string };
  error?: string;
  cause?: string;
}

const ENTERED = /StateEntered$/;
const EXITED = /StateExited$/;
const TASK_ATTEMPT = /^(Task|LambdaFunction|Activity)Scheduled$/;
const TASK_FAILURE =
  /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;

function iso(timestamp: number | Date): string {
  return (timestamp instanceof Date ? timestamp : new Date(timestamp * 1000)).toISOString();
}

function details(event: HistoryEvent): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  return key ? ((event[key] as Record<string, unknown>) ?? {}) : {};
}

/** Reads the path taken out of GetExecutionHistory's events. */
export function executionPath(definition: string, events: HistoryEvent[]): ExecutionPath {
  const states = allStates(JSON.parse(definition) as AslMachine);
  const visits: StateVisit[] = [];
  const open: StateVisit[] = [];
  const result: ExecutionPath = {
    visits,
    path: [],
    reached: [START],
    left: [START],
    caught: [],
    failedStates: [],
  };
  let succeeded = false;
  let ended: string | undefined;
  for (const event of events) {
    const d = details(event);
    const at = iso(event.timestamp);
    if (ENTERED.test(event.type)) {
      const name = String(d.name);
      const visit: StateVisit = {
        name,
        type: states.get(name)?.Type ?? event.type.replace(/StateEntered$/, ''),
        enteredAt: at,
        attempts: 0,
        retries: 0,
        errors: [],
        failed: false,
      };
      if (typeof d.input === 'string') visit.input = d.input;
      visits.push(visit);
      open.push(visit);
      result.path.push(name);
      continue;
    }
    if (EXITED.test(event.type)) {
      const name = String(d.name);
      const index = open.map((v) => v.name).lastIndexOf(name);
      const visit = index >= 0 ? open.splice(index, 1)[0] : undefined;
      if (visit) {
        visit.exitedAt = at;
        visit.durationMs = Date.parse(at) - Date.parse(visit.enteredAt);
        if (typeof d.output === 'string') visit.output = d.output;
      }
      continue;
    }
    const task = [...open].reverse().find((v) => v.type === 'Task') ?? open.at(-1);
    if (TASK_ATTEMPT.test(event.type) && task) {
      task.attempts += 1;
      task.retries = Math.max(0, task.attempts - 1);
      task.lastAttempt = 'running';
    } else if (/^(Task|LambdaFunction|Activity)Succeeded$/.test(event.type) && task) {
      task.lastAttempt = 'succeeded';
    } else if (TASK_FAILURE.test(event.type) && task) {
      task.lastAttempt = 'failed';
      const error =
        typeof d.error === 'string' ? d.error : event.type.endsWith('TimedOut') ? 'States.Timeout' : '';
      task.errors.push({ error, ...(typeof d.cause === 'string' ? { cause: d.cause } : {}), at });
    } else if (event.type === 'ExecutionFailed' || event.type === 'ExecutionTimedOut') {
      if (typeof d.error === 'string') result.error = d.error;
      else if (event.type === 'ExecutionTimedOut') result.error = 'States.Timeout';
      if (typeof d.cause === 'string') result.cause = d.cause;
    } else if (event.type === 'ExecutionSucceeded') succeeded = true;
    if (event.type.startsWith('Execution') && event.type !== 'ExecutionStarted') ended = event.type;
  }
  // An execution that failed while in a state (a States.Runtime error, a timeout, an abort) failed that state.
  if (result.error || ended === 'ExecutionAborted') {
    for (const visit of visits) {
      if (visit.exitedAt || visit.errors.length > 0 || visit.type === 'Fail') continue;
      visit.errors.push({
        error: result.error ?? 'ExecutionAborted',
        ...(result.cause ? { cause: result.cause } : {}),
        at: visit.enteredAt,
      });
    }
  }
  // A state whose last attempt failed (or a Fail state) failed: caught if its Catch led to the next state in its
  // scope. (AWS records no StateExited for a caught state; the local interpreter does, so attempts decide.)
  for (let i = 0; i < visits.length; i++) {
    const visit = visits[i]!;
    const failedAttempt = visit.lastAttempt === 'failed' || (!visit.exitedAt && visit.errors.length > 0);
    if (!failedAttempt && visit.type !== 'Fail') continue;
    visit.failed = true;
    const scope = parentOf(visit.name, states);
    const next = visits.slice(i + 1).find((v) => parentOf(v.name, states) === scope);
    if (next && states.get(visit.name)?.state.Catch?.some((c) => c.Next === next.name)) {
      visit.caughtBy = next.name;
      result.caught.push({ from: visit.name, to: next.name });
    }
  }
  const reached = new Set(result.reached);
  const left = new Set(result.left);
  for (const visit of visits) {
    reached.add(visit.name);
    // A Parallel or Map state forks to its branches as soon as it is entered.
    if (visit.type === 'Parallel' || visit.type === 'Map') left.add(visit.name);
    if (!visit.failed && (visit.exitedAt || visit.type === 'Succeed')) {
      left.add(exitNode(visit, states));
      reached.add(exitNode(visit, states));
      // A branch's last state leads to its Parallel or Map state's join.
      const info = states.get(visit.name);
      if (info?.parent && (info.state.End || info.Type === 'Succeed')) reached.add(`${info.parent}${JOIN}`);
    }
  }
  if (succeeded) reached.add(END);
  result.reached = [...reached];
  result.left = [...left];
  result.failedStates = [...new Set(visits.filter((v) => v.failed).map((v) => v.name))];
  const decidedBy = decidingState(visits, states);
  if (decidedBy) result.decidedBy = decidedBy;
  return result;
}

interface StateInfo {
  Type: string;
  state: AslState;
  parent?: string;
}

function allStates(machine: AslMachine, parent?: string, into = new Map<string, StateInfo>()) {
  for (const [name, state] of Object.entries(machine.States)) {
    into.set(name, { Type: state.Type, state, ...(parent ? { parent } : {}) });
    const inner = state.Type === 'Map' ? (state.ItemProcessor ?? state.Iterator) : undefined;
    for (const branch of state.Type === 'Parallel' ? (state.Branches ?? []) : inner ? [inner] : [])
      allStates(branch, name, into);
  }
  return into;
}

function parentOf(name: string, states: Map<string, StateInfo>): string | undefined {
  return states.get(name)?.parent;
}

/** A Parallel or Map state is left from its join node. */
function exitNode(visit: StateVisit, states: Map<string, StateInfo>): string {
  const type = states.get(visit.name)?.Type;
  return type === 'Parallel' || type === 'Map' ? `${visit.name}${JOIN}` : visit.name;
}

function decidingState(visits: StateVisit[], states: Map<string, StateInfo>): ExecutionPath['decidedBy'] {
  for (let i = visits.length - 1; i >= 0; i--) {
    const visit = visits[i]!;
    // A Fail state is where a decision led, not the decision.
    if (parentOf(visit.name, states) || visit.type === 'Fail') continue;
    if (visit.failed && visit.caughtBy)
      return {
        state: visit.name,
        how: `${visit.errors.at(-1)?.error ?? 'error'} caught, on to ${visit.caughtBy}`,
      };
    if (visit.failed) return { state: visit.name, how: `${visit.errors.at(-1)?.error ?? 'failed'}` };
    if (visit.type === 'Choice') {
      const next = visits.slice(i + 1).find((v) => !parentOf(v.name, states));
      const state = states.get(visit.name)?.state;
      const how =
        next && state?.Default === next.name
          ? `no rule matched: otherwise ${next.name}`
          : `chose ${next?.name ?? '?'}`;
      return { state: visit.name, how };
    }
  }
  return undefined;
}
