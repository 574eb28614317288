// The Payflow local console: plain DOM, no framework. Everything shown comes from /console/api; every value is
// put on the page as text (never as HTML), and emails are rendered in sandboxed frames without scripts.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const TABS = ['executions', 'events', 'queues', 'outbox', 'logs'];
const state = {
  tab: 'executions',
  executions: [],
  execution: undefined,
  selectedState: undefined,
  events: [],
  queues: [],
  logs: [],
  logServices: new Set(),
};

/** h('li', { class: 'x', onclick }, 'text', child) */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child));
  return node;
}

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const res = await fetch(`/console/api/${path}`, {
    ...options,
    headers: { 'content-type': 'application/json', 'x-payflow-console': '1', ...(options.headers ?? {}) },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `${res.status}`);
  return body;
}

function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

function duration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function status(text) {
  return h('span', { class: `status status-${text}` }, text);
}

function setOptions(select, values) {
  const current = select.value;
  const first = select.options[0];
  select.replaceChildren(first, ...[...values].sort().map((v) => h('option', { value: v }, v)));
  select.value = [...values].includes(current) ? current : '';
}

// ---- tabs: arrow keys move between them, as in the WAI-ARIA tabs pattern ----

function showTab(name, focus = false) {
  state.tab = name;
  for (const tab of TABS) {
    const button = $(`tab-${tab}`);
    const selected = tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
  if (!location.hash.startsWith(`#${name}`)) history.replaceState(null, '', `#${name}`);
  refresh(name);
}

function setUpTabs() {
  for (const tab of TABS) $(`tab-${tab}`).addEventListener('click', () => showTab(tab));
  $('tabs').addEventListener('keydown', (event) => {
    const index = TABS.indexOf(state.tab);
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    showTab(TABS[(index + moves[event.key] + TABS.length) % TABS.length], true);
  });
}

function refresh(section) {
  const loaders = {
    // An open execution is drawn again only while it runs: a finished one no longer changes (and focus stays put).
    executions: () =>
      state.execution
        ? state.execution.status === 'RUNNING'
          ? loadExecution(state.execution.executionArn)
          : Promise.resolve()
        : loadExecutions(),
    events: loadEvents,
    queues: loadQueues,
    outbox: loadOutbox,
    logs: renderLogs,
  };
  loaders[section]?.().catch((error) => console.error(error));
}

// ---- executions ----

async function loadExecutions() {
  const { stateMachines, executions } = await api('executions');
  state.executions = executions;
  setOptions($('executions-machine'), stateMachines);
  renderExecutions();
}

function renderExecutions() {
  const machine = $('executions-machine').value;
  const wanted = $('executions-status').value;
  const text = $('executions-text').value.trim().toLowerCase();
  const rows = state.executions
    .filter((e) => !machine || e.stateMachine === machine)
    .filter((e) => !wanted || e.status === wanted)
    .filter(
      (e) =>
        !text || [e.name, e.orderId, e.correlationId, e.executionArn].join(' ').toLowerCase().includes(text),
    )
    .map((e) =>
      h(
        'tr',
        {},
        h(
          'td',
          {},
          h(
            'button',
            { class: 'link', type: 'button', onclick: () => openExecution(e.executionArn) },
            e.name,
          ),
        ),
        h('td', {}, e.stateMachine),
        h('td', {}, status(e.status)),
        h('td', {}, time(e.startDate)),
        h('td', {}, duration(e.durationMs)),
        h('td', {}, e.orderId ?? ''),
      ),
    );
  $('executions-rows').replaceChildren(...rows);
  $('executions-empty').hidden = rows.length > 0;
}

async function openExecution(arn) {
  showTab('executions');
  state.selectedState = undefined;
  await loadExecution(arn);
  $('execution-title').focus();
}

async function loadExecution(arn) {
  const execution = await api(`execution?arn=${encodeURIComponent(arn)}`);
  const sameExecution = state.execution?.executionArn === arn;
  state.execution = execution;
  history.replaceState(null, '', `#executions/${encodeURIComponent(arn)}`);
  $('executions-list').hidden = true;
  $('execution-detail').hidden = false;
  $('execution-title').textContent = `${execution.stateMachine} · ${execution.name}`;
  $('execution-title').tabIndex = -1;
  const decided = execution.path.decidedBy;
  const facts = [
    ['Status', status(execution.status)],
    ['Started', time(execution.startDate)],
    ['Stopped', time(execution.stopDate)],
    ['Order', execution.orderId ?? '—'],
    ['Correlation id', execution.correlationId ?? '—'],
    ['Decided at', decided ? `${decided.state} (${decided.how})` : '—'],
  ];
  if (execution.error)
    facts.push(['Error', `${execution.error}${execution.cause ? `: ${execution.cause}` : ''}`]);
  $('execution-facts').replaceChildren(...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  $('execution-facts').dataset.decided = decided?.state ?? '';
  renderGraph(execution, sameExecution);
  renderVisits(execution);
  const events = execution.events.map((e) =>
    h(
      'li',
      {},
      h('button', { class: 'link', type: 'button', onclick: () => showEvents(e.id) }, `${e.detailType}`),
      ` from ${e.source} at ${time(e.time)}`,
    ),
  );
  if (execution.email)
    events.push(
      h(
        'li',
        {},
        h(
          'button',
          { class: 'link', type: 'button', onclick: () => showOutbox(execution.email) },
          'Messages',
        ),
        ` to ${execution.email}`,
      ),
    );
  const search = execution.correlationId ?? execution.orderId;
  if (search)
    events.push(
      h(
        'li',
        {},
        h('button', { class: 'link', type: 'button', onclick: () => showLogs(search) }, 'Function output'),
        ` mentioning ${search}`,
      ),
    );
  $('execution-events').replaceChildren(...(events.length ? events : [h('li', {}, 'None seen on the bus.')]));
  if (sameExecution && state.selectedState) selectState(state.selectedState, false);
}

function renderGraph(execution, redraw = false) {
  const { graph, path } = execution;
  const reached = new Set(path.reached);
  const left = new Set(path.left);
  const failed = new Set(path.failedStates);
  const caughtAt = new Set(path.caught.map((c) => c.from));
  const caughtEdges = new Set(path.caught.map((c) => `${c.from}→${c.to}`));
  const root = svg('svg', {
    viewBox: `0 0 ${graph.width} ${graph.height}`,
    width: graph.width,
    height: graph.height,
    role: 'group',
    'aria-label': `${execution.stateMachine} state machine: ${path.path.length} states entered`,
  });
  root.append(
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#7b8794' }),
      ),
    ),
  );
  for (const edge of graph.edges) {
    const caught = edge.kind === 'catch' && caughtEdges.has(`${edge.from}→${edge.to}`);
    const taken = caught || (edge.kind !== 'catch' && left.has(edge.from) && reached.has(edge.to));
    const d = edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
    const group = svg(
      'g',
      { class: `edge ${edge.kind}${taken ? ' taken' : ''}${caught ? ' caught' : ''}`, 'aria-hidden': 'true' },
      svg('path', { d, 'marker-end': 'url(#arrow)' }),
    );
    if (edge.label && edge.points.length) {
      const mid = edge.points[Math.floor(edge.points.length / 2)];
      group.append(svg('text', { x: mid.x + 4, y: mid.y - 3 }, edge.label));
    }
    root.append(group);
  }
  for (const node of graph.nodes) {
    const isState = !['Start', 'End', 'Join'].includes(node.type);
    const classes = ['node', node.type.toLowerCase()];
    if (caughtAt.has(node.id)) classes.push('caught');
    else if (failed.has(node.id)) classes.push('failed');
    else if (reached.has(node.id)) classes.push('visited');
    else classes.push('unvisited');
    if (path.decidedBy?.state === node.id) classes.push('decided');
    const described = caughtAt.has(node.id)
      ? 'failed, caught'
      : failed.has(node.id)
        ? 'failed'
        : reached.has(node.id)
          ? 'entered'
          : 'not entered';
    const group = svg('g', {
      class: classes.join(' '),
      'data-state': node.id,
      transform: `translate(${node.x - node.width / 2},${node.y - node.height / 2})`,
    });
    if (isState) {
      group.setAttribute('tabindex', '0');
      group.setAttribute('role', 'button');
      group.setAttribute(
        'aria-label',
        `${node.label}, ${node.type} state, ${described}${path.decidedBy?.state === node.id ? ', decided the outcome' : ''}`,
      );
      group.addEventListener('click', () => selectState(node.id));
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          selectState(node.id);
        }
      });
    } else group.setAttribute('aria-hidden', 'true');
    const rx =
      node.type === 'Start' || node.type === 'End' ? node.height / 2 : node.type === 'Choice' ? 14 : 5;
    group.append(svg('rect', { width: node.width, height: node.height, rx }));
    if (path.decidedBy?.state === node.id)
      group.append(
        svg('rect', {
          class: 'decided-ring',
          x: -4,
          y: -4,
          width: node.width + 8,
          height: node.height + 8,
          rx: rx + 3,
        }),
      );
    group.append(
      svg(
        'text',
        { x: node.width / 2, y: isState ? 16 : node.height / 2 + 4, 'text-anchor': 'middle' },
        node.label,
      ),
    );
    if (isState)
      group.append(
        svg('text', { class: 'type', x: node.width / 2, y: 30, 'text-anchor': 'middle' }, node.type),
      );
    root.append(group);
  }
  const container = $('execution-graph');
  const frame = container.parentElement;
  const keepScroll = redraw ? { left: frame.scrollLeft, top: frame.scrollTop } : undefined;
  container.replaceChildren(root);
  // A large machine scrolls: bring the state that decided the outcome (or the one that failed) into view.
  const focus = graph.nodes.find((n) => n.id === (path.decidedBy?.state ?? path.failedStates[0]));
  if (keepScroll) frame.scrollTo(keepScroll);
  else if (focus)
    frame.scrollTo({ left: focus.x - frame.clientWidth / 2, top: focus.y - frame.clientHeight / 2 });
}

function renderVisits(execution) {
  const items = execution.path.visits.map((visit, index) =>
    h(
      'li',
      {},
      h(
        'button',
        { class: 'link', type: 'button', onclick: () => selectState(visit.name, true, index) },
        visit.name,
      ),
      ` ${visit.type}`,
      visit.failed
        ? h(
            'span',
            { class: 'status status-FAILED' },
            visit.caughtBy ? `caught → ${visit.caughtBy}` : 'failed',
          )
        : '',
      visit.retries ? ` · ${visit.retries} retr${visit.retries === 1 ? 'y' : 'ies'}` : '',
      visit.durationMs !== undefined ? ` · ${duration(visit.durationMs)}` : '',
    ),
  );
  $('execution-visits').replaceChildren(...items);
}

function selectState(name, announce = true, visitIndex) {
  state.selectedState = name;
  for (const node of document.querySelectorAll('#execution-graph .node'))
    node.classList.toggle('selected', node.dataset.state === name);
  const visits = state.execution.path.visits.filter((v) => v.name === name);
  const visit = visitIndex !== undefined ? state.execution.path.visits[visitIndex] : visits.at(-1);
  const panel = $('state-detail');
  const parts = [h('h3', { id: 'state-detail-title', tabindex: '-1' }, name)];
  if (!visit) parts.push(h('p', {}, 'This execution never entered this state.'));
  else {
    const facts = [
      ['Type', visit.type],
      ['Entered', time(visit.enteredAt)],
      ['Left', visit.exitedAt ? time(visit.exitedAt) : '—'],
      ['Duration', duration(visit.durationMs) || '—'],
      ['Attempts', String(visit.attempts || (visit.type === 'Task' ? 0 : 1))],
      ['Retries', String(visit.retries)],
      ['Times entered', String(visits.length)],
    ];
    if (visit.failed)
      facts.push(['Outcome', visit.caughtBy ? `failed, caught: on to ${visit.caughtBy}` : 'failed']);
    parts.push(h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    for (const [i, error] of visit.errors.entries()) {
      parts.push(
        h('h4', {}, `Error ${i + 1} of ${visit.errors.length}: ${error.error || '(no error name)'}`),
      );
      parts.push(h('p', { class: 'meta' }, time(error.at)));
      if (error.cause) parts.push(h('p', {}, 'Cause'), h('pre', { tabindex: '0' }, error.cause));
    }
    parts.push(h('h4', {}, 'Input'), h('pre', { 'data-field': 'input', tabindex: '0' }, visit.input ?? '—'));
    parts.push(
      h('h4', {}, 'Output'),
      h('pre', { 'data-field': 'output', tabindex: '0' }, visit.output ?? '—'),
    );
  }
  panel.replaceChildren(...parts);
  if (announce) $('state-detail-title').focus();
}

// ---- events ----

async function loadEvents() {
  const [events, { executions }] = await Promise.all([api('events'), api('executions')]);
  state.events = events;
  state.executions = executions;
  setOptions($('events-source'), new Set(state.events.map((e) => e.source)));
  setOptions($('events-type'), new Set(state.events.map((e) => e.detailType)));
  renderEvents();
}

function showEvents(text) {
  $('events-text').value = text;
  $('events-source').value = '';
  $('events-type').value = '';
  showTab('events');
}

function renderEvents() {
  const source = $('events-source').value;
  const type = $('events-type').value;
  const text = $('events-text').value.trim().toLowerCase();
  const items = state.events
    .filter((e) => !source || e.source === source)
    .filter((e) => !type || e.detailType === type)
    .filter((e) => !text || JSON.stringify(e).toLowerCase().includes(text))
    .slice(0, 200)
    .map(renderEvent);
  $('events-list').replaceChildren(...items);
  $('events-empty').hidden = items.length > 0;
}

function renderEvent(e) {
  const execution = state.executions.find(
    (x) => (e.orderId && x.orderId === e.orderId) || (e.correlationId && x.correlationId === e.correlationId),
  );
  const rules = e.rules.map((rule) =>
    h(
      'li',
      {},
      `rule ${rule.rule}`,
      h(
        'ul',
        {},
        ...rule.targets.map((t) =>
          h(
            'li',
            { class: 'target' },
            `${t.targetId} (${t.targetArn.split(':')[2]} ${t.targetArn.split(':').pop()}) `,
            status(t.status),
            t.attempts > 1 ? ` after ${t.attempts} attempts` : '',
            t.error ? ` ${t.errorCode ?? ''}: ${t.error}` : '',
            t.deadLetterQueue ? ` → sent to DLQ ${t.deadLetterQueue}` : '',
          ),
        ),
      ),
    ),
  );
  const queueTargets = [
    ...new Set(
      e.rules.flatMap((r) =>
        r.targets.flatMap((t) => [
          ...(t.targetArn.includes(':sqs:') && t.status === 'delivered'
            ? [t.targetArn.split(':').pop()]
            : []),
          ...(t.deadLetterQueue ? [t.deadLetterQueue] : []),
        ]),
      ),
    ),
  ];
  const links = [
    execution
      ? h(
          'button',
          { class: 'link', type: 'button', onclick: () => openExecution(execution.executionArn) },
          `execution ${execution.name}`,
        )
      : undefined,
    ...queueTargets.map((q) =>
      h('button', { class: 'link', type: 'button', onclick: () => showQueue(q) }, `queue ${q}`),
    ),
    e.correlationId
      ? h(
          'button',
          { class: 'link', type: 'button', onclick: () => showLogs(e.correlationId) },
          'function output',
        )
      : undefined,
  ].filter(Boolean);
  return h(
    'li',
    { 'data-event-id': e.id },
    h('h3', {}, e.detailType || '(no detail-type)'),
    h(
      'p',
      { class: 'meta' },
      `${e.source} · ${time(e.time)} · id ${e.id}${e.correlationId ? ` · correlation ${e.correlationId}` : ''}`,
    ),
    rules.length
      ? h('ul', { class: 'rules', 'aria-label': 'Rules matched' }, ...rules)
      : h('p', {}, 'No rule with targets matched.'),
    links.length ? h('p', { class: 'links' }, 'Caused: ', ...links) : undefined,
    h(
      'details',
      {},
      h('summary', {}, 'Detail'),
      h('pre', { tabindex: '0' }, JSON.stringify(e.detail, null, 2)),
    ),
  );
}

// ---- queues ----

async function loadQueues() {
  state.queues = await api('queues');
  const rows = state.queues.map((q) => {
    const alert = q.isDeadLetterQueue && q.visible + q.inFlight > 0;
    return h(
      'tr',
      { class: alert ? 'dlq-alert' : '', 'data-queue': q.name },
      h(
        'th',
        { scope: 'row' },
        q.name,
        q.isDeadLetterQueue
          ? h('span', { class: `badge${alert ? ' alert' : ''}` }, alert ? 'DLQ not empty' : 'DLQ')
          : '',
      ),
      h('td', { 'data-field': 'visible' }, String(q.visible)),
      h('td', {}, String(q.inFlight)),
      h('td', {}, q.oldestAgeSeconds === undefined ? '—' : duration(q.oldestAgeSeconds * 1000)),
      h(
        'td',
        {},
        q.deadLetterTarget ? `DLQ ${q.deadLetterTarget} after ${q.maxReceiveCount} receives` : '',
        q.deadLetterSources.length ? `for ${q.deadLetterSources.join(', ')}` : '',
      ),
      h(
        'td',
        {},
        h('button', { type: 'button', onclick: () => peek(q.name), 'aria-label': `Peek ${q.name}` }, 'Peek'),
        q.deadLetterSources.length
          ? h(
              'button',
              { type: 'button', onclick: () => redrive(q.name), 'aria-label': `Redrive ${q.name}` },
              'Redrive',
            )
          : '',
        h(
          'button',
          { type: 'button', onclick: () => purge(q.name), 'aria-label': `Purge ${q.name}` },
          'Purge',
        ),
      ),
    );
  });
  $('queues-rows').replaceChildren(...rows);
  if (state.peeking) peek(state.peeking, false);
}

function showQueue(name) {
  showTab('queues');
  peek(name);
}

async function peek(name, focus = true) {
  state.peeking = name;
  const messages = await api(`queue/messages?name=${encodeURIComponent(name)}`);
  $('queue-messages').hidden = false;
  $('queue-messages-title').textContent = `Messages in ${name} (${messages.length})`;
  $('queue-messages-title').tabIndex = -1;
  $('queue-messages-list').replaceChildren(
    ...messages.map((m) =>
      h(
        'li',
        {},
        h(
          'p',
          { class: 'meta' },
          `${m.messageId} · sent ${time(m.sentAt)} · received ${m.receiveCount === 1 ? 'once' : `${m.receiveCount} times`}${m.visible ? '' : ' · in flight'}`,
        ),
        Object.keys(m.attributes).length
          ? h(
              'p',
              { class: 'meta' },
              Object.entries(m.attributes)
                .map(([k, v]) => `${k}=${v}`)
                .join(' · '),
            )
          : '',
        h('pre', { tabindex: '0' }, m.body),
      ),
    ),
  );
  if (focus) $('queue-messages-title').focus();
}

async function redrive(name) {
  $('queues-message').textContent = `Redriving ${name}…`;
  try {
    const { moved, to } = await api(`queue/redrive?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      body: '{}',
    });
    $('queues-message').textContent = `Redrive of ${name} complete: ${moved} message(s) moved back to ${to}.`;
  } catch (error) {
    $('queues-message').textContent = `Redrive of ${name} failed: ${error.message}`;
  }
  await loadQueues();
}

function purge(name) {
  const dialog = $('purge-dialog');
  $('purge-text').textContent = `Every message in ${name} will be deleted. This cannot be undone.`;
  dialog.returnValue = '';
  dialog.onclose = async () => {
    if (dialog.returnValue !== 'purge') return;
    try {
      await api(`queue/purge?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        body: JSON.stringify({ confirm: name }),
      });
      $('queues-message').textContent = `${name} purged.`;
    } catch (error) {
      $('queues-message').textContent = `Purge of ${name} failed: ${error.message}`;
    }
    await loadQueues();
  };
  dialog.showModal();
  $('purge-confirm').focus();
}

// ---- outbox ----

async function loadOutbox() {
  const to = $('outbox-to').value.trim();
  const { emails, sms } = await api(`outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`);
  $('outbox-emails').replaceChildren(
    ...emails.slice(0, 50).map((e) =>
      h(
        'li',
        { 'data-email': e.id },
        h('h4', {}, e.subject || '(no subject)'),
        h('p', { class: 'meta' }, `to ${e.to.join(', ')} · from ${e.from} · ${time(e.at)}`),
        e.html
          ? h('iframe', {
              class: 'email',
              title: `Email: ${e.subject}`,
              sandbox: '',
              referrerpolicy: 'no-referrer',
              srcdoc: e.html,
            })
          : h('pre', { tabindex: '0' }, e.text ?? ''),
        e.html && e.text
          ? h('details', {}, h('summary', {}, 'Plain-text part'), h('pre', { tabindex: '0' }, e.text))
          : '',
      ),
    ),
  );
  $('outbox-emails-empty').hidden = emails.length > 0;
  $('outbox-sms').replaceChildren(
    ...sms.map((s) =>
      h(
        'li',
        {},
        h('h4', {}, `To ${s.phoneNumber}`),
        h(
          'p',
          { class: 'meta' },
          `${time(s.at)} · ${s.segments} segment${s.segments === 1 ? '' : 's'} · ${s.encoding} · ${s.message.length} characters · ${s.smsType}`,
        ),
        h('pre', { tabindex: '0' }, s.message),
      ),
    ),
  );
  $('outbox-sms-empty').hidden = sms.length > 0;
}

function showOutbox(recipient) {
  $('outbox-to').value = recipient;
  showTab('outbox');
}

// ---- logs ----

function addLogs(lines) {
  const known = new Set(state.logs.map((l) => l.index));
  for (const line of lines) if (!known.has(line.index)) state.logs.push(line);
  if (state.logs.length > 3000) state.logs.splice(0, state.logs.length - 3000);
  for (const line of lines) state.logServices.add(line.service);
  setOptions($('logs-service'), state.logServices);
  if (state.tab === 'logs') renderLogs();
}

async function renderLogs() {
  const service = $('logs-service').value;
  const level = $('logs-level').value;
  const text = $('logs-text').value.trim().toLowerCase();
  const list = $('logs-list');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  const items = state.logs
    .filter((l) => !service || l.service === service)
    .filter((l) => !level || l.level === level)
    .filter((l) => !text || l.text.toLowerCase().includes(text))
    .slice(-1000)
    .map((l) =>
      h(
        'li',
        { class: l.level ? `level-${l.level}` : '' },
        h('span', { class: 'service' }, l.service),
        l.correlationId
          ? h(
              'button',
              {
                class: 'link',
                type: 'button',
                onclick: () => showEvents(l.correlationId),
                'aria-label': `Events of correlation id ${l.correlationId}`,
              },
              `⤷ ${l.correlationId.slice(0, 8)}`,
            )
          : '',
        ' ',
        l.text,
      ),
    );
  list.replaceChildren(...items);
  $('logs-empty').hidden = items.length > 0;
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function showLogs(text) {
  $('logs-text').value = text;
  showTab('logs');
}

// ---- live updates ----

function connect() {
  const stream = new EventSource('/console/api/stream');
  stream.addEventListener('open', () => ($('live-status').textContent = 'Live'));
  stream.addEventListener('error', () => ($('live-status').textContent = 'Reconnecting…'));
  stream.addEventListener('change', (message) => {
    const { sections } = JSON.parse(message.data);
    const affects = {
      executions: ['executions'],
      events: ['events', 'executions'],
      queues: ['queues'],
      sms: ['outbox'],
      emails: ['outbox'],
    };
    const tabs = new Set(sections.flatMap((s) => affects[s] ?? []));
    if (tabs.has(state.tab)) refresh(state.tab);
  });
  stream.addEventListener('logs', (message) => addLogs(JSON.parse(message.data)));
}

function start() {
  setUpTabs();
  $('execution-back').addEventListener('click', () => {
    state.execution = undefined;
    $('execution-detail').hidden = true;
    $('executions-list').hidden = false;
    history.replaceState(null, '', '#executions');
    loadExecutions();
  });
  for (const id of ['executions-machine', 'executions-status', 'executions-text'])
    $(id).addEventListener('input', renderExecutions);
  for (const id of ['events-source', 'events-type', 'events-text'])
    $(id).addEventListener('input', renderEvents);
  for (const id of ['logs-service', 'logs-level', 'logs-text']) $(id).addEventListener('input', renderLogs);
  $('outbox-to').addEventListener('input', () => loadOutbox());
  for (const form of document.querySelectorAll('form.filters'))
    form.addEventListener('submit', (event) => event.preventDefault());
  api('logs').then(addLogs, () => undefined);
  api('executions').then(
    ({ executions }) => (state.executions = executions),
    () => undefined,
  );
  const [tab, rest] = location.hash.slice(1).split('/');
  if (tab === 'executions' && rest) openExecution(decodeURIComponent(rest));
  else showTab(TABS.includes(tab) ? tab : 'executions');
  connect();
}

start();
