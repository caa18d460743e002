/**
 * The one registry of Fenta's error codes. Every error that crosses a process
 * boundary (HTTP body, job error, CLI exit) carries one of these codes.
 * `message` is a template: `{name}` is replaced by the error's params.
 * `retryable` says whether the same work may succeed if tried again (a
 * timeout, a 5xx, a lost connection); it is the only thing a retry looks at.
 */
export const errorCodes = {
  CONFIG_INVALID: {
    status: 500,
    retryable: false,
    message: 'Configuration is invalid: {problems}',
    description: 'An environment variable is missing or malformed; the message names each one and what to fix.',
  },
  DB_MIGRATION_CHANGED: {
    status: 500,
    retryable: false,
    message: 'Migration {name} was applied with checksum {applied} but the file now has checksum {current}',
    description: 'A migration that already landed was edited. Landed migrations are frozen: add a new one instead.',
  },
  DB_MIGRATION_UNKNOWN: {
    status: 500,
    retryable: false,
    message: 'Migration {name} is recorded as applied but no such file exists',
    description: 'The database is ahead of this code (a newer release migrated it) or a migration file was removed.',
  },
  DB_MIGRATION_FAILED: {
    status: 500,
    retryable: false,
    message: 'Migration {name} failed: {reason}',
    description: 'A migration raised an error; its transaction was rolled back and later migrations were not run.',
  },
  DB_UNREACHABLE: {
    status: 503,
    retryable: true,
    message: 'PostgreSQL at {target} is unreachable: {reason}',
    description: 'The database did not accept a connection.',
  },
  REDIS_UNREACHABLE: {
    status: 503,
    retryable: true,
    message: 'Redis at {target} is unreachable: {reason}',
    description: 'Redis did not answer.',
  },
  REDIS_EVICTION_POLICY: {
    status: 500,
    retryable: false,
    message: 'Redis maxmemory-policy is "{policy}"; queues need "noeviction" or Redis may silently drop jobs',
    description: 'Redis is configured to evict keys under memory pressure, which would lose queued jobs.',
  },
  PORT_IN_USE: {
    status: 500,
    retryable: false,
    message: 'Port {port} on {host} is already in use ({service}); set {variable} to a free port',
    description: 'A service Fenta starts could not bind its port.',
  },
  CLI_USAGE: {
    status: 400,
    retryable: false,
    message: '{reason}',
    description:
      'A `fenta` command was given arguments or options it does not take (or not those it needs); the fix says how to call it. The command exits with code 2.',
  },
  CLI_FILE_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'The file does not exist',
    description: 'A file named on the command line is not there; relative paths start at the current directory.',
  },
  CLI_FILE_UNREADABLE: {
    status: 400,
    retryable: false,
    message: 'The file cannot be read: {reason}',
    description: 'A file named on the command line (or kept by `./fenta up`) exists but cannot be read: a folder, or no permission.',
  },
  CLI_FILE_INVALID: {
    status: 400,
    retryable: false,
    message: 'The file does not hold {expected}: {reason}',
    description: 'A file is not JSON, or its JSON is not what the command reads (a workflow graph or a workflow).',
  },
  CLI_FILE_UNWRITABLE: {
    status: 400,
    retryable: false,
    message: 'The file cannot be written: {reason}',
    description: 'A file a command was asked to write (`./fenta render --out`) cannot be: its folder is missing or not writable, or the disk is full.',
  },
  STACK_NOT_RUNNING: {
    status: 503,
    retryable: false,
    message: 'No running stack in {dataDir}: {reason}',
    description: 'A command that works through the running stack (`./fenta render`) found no `./fenta up` there, or its services do not answer.',
  },
  STACK_ALREADY_RUNNING: {
    status: 409,
    retryable: false,
    message: './fenta up is already running in {dataDir} (pid {pid})',
    description: 'A second `./fenta up` was started on the data folder of a running one.',
  },
  STACK_APP_EXITED: {
    status: 500,
    retryable: false,
    message: 'The {app} app exited ({exit}) {when}',
    description: 'An app that `./fenta up` started (api, worker, scheduler) stopped on its own; its log says why. The stack is stopped.',
  },
  SERVICE_START_FAILED: {
    status: 500,
    retryable: false,
    message: '{service} did not start: {reason}',
    description: 'An embedded service (PostgreSQL, redis-server) exited or did not get ready; its last output is shown.',
  },
  API_UNREACHABLE: {
    status: 503,
    retryable: true,
    message: 'The Fenta API at {target} is unreachable: {reason}',
    description:
      'A `fenta` command that is a client of the API (`./fenta render`) could not reach it at FENTA_API_URL, or what answered there is not a Fenta API.',
  },
  CODEGEN_FAILED: {
    status: 500,
    retryable: false,
    message: 'kysely-codegen exited with {exit}',
    description: "`./fenta codegen` could not write the kysely types; kysely-codegen's own output says why.",
  },
  GRAPH_SHAPE_INVALID: {
    status: 400,
    retryable: false,
    message: 'Workflow graph is malformed at {path}: {reason}',
    description: 'The graph JSON does not have the shape nodes[] / edges[] (see the workflow graph format).',
  },
  GRAPH_ID_INVALID: {
    status: 400,
    retryable: false,
    message: '{kind} id {id} is not allowed: ids are 1 to 64 letters, digits, "_" or "-"',
    description: 'A node or edge id has characters or a length outside the id grammar (ids become parts of file paths and storage keys).',
  },
  GRAPH_NODE_UNUSED: {
    status: 400,
    retryable: false,
    message: 'Node {node} ({type}) does not lead to an output node; connect it or remove it',
    description: 'A node is on no path to an Output.Render node, so its work would be thrown away.',
  },
  GRAPH_TOO_LARGE: {
    status: 400,
    retryable: false,
    message: 'Workflow graph has {count} {what}; at most {limit} are allowed',
    description: 'A graph exceeds a size limit (nodes, edges); see the limits in the README.',
  },
  GRAPH_NODE_TYPE_UNKNOWN: {
    status: 400,
    retryable: false,
    message: 'Node {node} has unknown type "{type}"',
    description: 'A node names a type that is not in the node registry.',
  },
  GRAPH_NODE_DUPLICATE: {
    status: 400,
    retryable: false,
    message: 'Node id "{node}" is used by nodes[{first}] and nodes[{second}]; node ids must be unique',
    description: 'Two nodes of a graph share an id, so edges to it are ambiguous; their edges and inputs are not checked until the ids differ.',
  },
  GRAPH_EDGE_NODE_MISSING: {
    status: 400,
    retryable: false,
    message: 'Edge {edge} refers to node "{node}", which is not in the graph',
    description: 'An edge starts or ends at a node id that no node has.',
  },
  GRAPH_EDGE_PORT_UNKNOWN: {
    status: 400,
    retryable: false,
    message: 'Edge {edge} names {direction} "{port}", but {node} ({type}) has {ports}',
    description: 'An edge names a port (`fromPort`, `toPort`) its node does not have: every node has one output, `output`, and the inputs its type lists.',
  },
  GRAPH_PORT_INCOMPATIBLE: {
    status: 400,
    retryable: false,
    message: 'Edge {edge} carries {kind} from {from}, but {to} takes {takes}',
    description:
      'An edge joins an output to an input that takes another kind of data (e.g. a script into a speech input), or, without `toPort`, to a node with no input of its kind.',
  },
  GRAPH_INPUT_FED_TWICE: {
    status: 400,
    retryable: false,
    message: 'Input "{port}" of {node} ({type}) is fed by edges {first} and {second}; an input takes one edge',
    description: 'Two edges go into the same input of a node; remove one, or point it at another input with `toPort`.',
  },
  GRAPH_INPUT_UNCONNECTED: {
    status: 400,
    retryable: false,
    message: 'Node {node} ({type}) needs an edge into its input "{port}", which takes {kind}',
    description: 'A required input of a node has no edge into it, so the node would have nothing to work on.',
  },
  GRAPH_CYCLE: {
    status: 400,
    retryable: false,
    message: 'Workflow graph has a cycle: {cycle} ({edges})',
    description: 'The edges form a loop (the message names its nodes and edges), so there is no order in which to run the nodes.',
  },
  GRAPH_NO_OUTPUT: {
    status: 400,
    retryable: false,
    message: 'Workflow graph has no output node (one of: {types})',
    description: 'Nothing in the graph produces a video.',
  },
  GRAPH_OUTPUT_DUPLICATE: {
    status: 400,
    retryable: false,
    message: 'Workflow graph has {count} output nodes ({nodes}); a job renders one video',
    description: 'More than one node produces the finished video; a job has one render. Run one job per output instead.',
  },
  NODE_PARAM_INVALID: {
    status: 400,
    retryable: false,
    message: 'Node {node} ({type}) has invalid params at {path}: {reason}',
    description: "A node's params do not match its type's schema.",
  },
  NODE_INPUT_INVALID: {
    status: 422,
    retryable: false,
    message: 'Node {node} ({type}) cannot run on its input: {reason}',
    description: 'A node received upstream data it cannot work with (e.g. an empty script, no footage).',
  },
  SCRIPT_LANGUAGE_UNSUPPORTED: {
    status: 422,
    retryable: false,
    message: 'The {writer} script writer does not write {lang}; it writes {supported}',
    description:
      'A script was asked for in a language its writer does not write (the offline writer writes only the languages it has sentences for); choose one of those it names, another writer, or give the script (provider "given").',
  },
  VOICE_LANGUAGE_UNSUPPORTED: {
    status: 422,
    retryable: false,
    message: 'Voice {voice} ({provider}) does not speak {lang}; voices that do: {voices}',
    description: "The voice asked for cannot speak the script's language; the message lists voices that can.",
  },
  NODE_TIMEOUT: {
    status: 504,
    retryable: true,
    message: 'Node {node} ({type}) did not finish within {timeoutMs} ms',
    description: 'A node ran past its time limit and was stopped.',
  },
  NODE_FAILED: {
    status: 500,
    retryable: true,
    message: 'Node {node} ({type}) failed: {reason}',
    description: 'A node failed for a reason that is not bad input; see the job log.',
  },
  PROVIDER_UNAVAILABLE: {
    status: 503,
    retryable: false,
    message: 'Provider {provider} is not available: {reason}',
    description: 'A configured provider cannot be used (missing key in strict mode, or it keeps failing).',
  },
  PROVIDER_RATE_LIMITED: {
    status: 503,
    retryable: true,
    message: 'Provider {provider} is rate limiting requests',
    description: 'The provider answered 429; the node retries after the wait it asked for (up to a minute), else fails.',
  },
  PROVIDER_ERROR: {
    status: 502,
    retryable: true,
    message: 'Provider {provider} answered {status}: {reason}',
    description: "A provider failed in a way that may pass (5xx, 408, a timeout, a lost connection); it is retried within the node's policy.",
  },
  PROVIDER_REQUEST_REFUSED: {
    status: 502,
    retryable: false,
    message: 'Provider {provider} refused the request ({status}): {reason}',
    description: 'A provider answered 4xx (a refused API key, a bad request): trying again would get the same answer.',
  },
  PROVIDER_RESPONSE_INVALID: {
    status: 502,
    retryable: true,
    message: 'Provider {provider} answered with something Fenta cannot use: {reason}',
    description: "A provider's answer did not have the expected shape.",
  },
  STOCK_NO_RESULTS: {
    status: 422,
    retryable: false,
    message: 'No stock footage found for "{query}" at {provider}',
    description: 'The stock search found no usable clip.',
  },
  DOWNLOAD_TOO_LARGE: {
    status: 422,
    retryable: false,
    message: 'Download from {host} exceeds the limit of {limitBytes} bytes',
    description: 'A remote file is larger than Fenta accepts.',
  },
  URL_NOT_ALLOWED: {
    status: 400,
    retryable: false,
    message: 'URL {url} is not allowed: {reason}',
    description:
      'A user-supplied URL points to a private, loopback or otherwise forbidden address (or a name that resolves to one, or to nothing), uses a forbidden scheme, or carries a user name or password.',
  },
  PATH_OUTSIDE_ROOT: {
    status: 400,
    retryable: false,
    message: 'Path segment {segment} would leave the folder {root}',
    description: 'An id or name that becomes part of a file path is not a single plain name, or the path it makes leaves its root.',
  },
  STORAGE_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'No stored object at {key}',
    description: 'An artifact that should exist in storage does not.',
  },
  STORAGE_FAILED: {
    status: 503,
    retryable: true,
    message: 'Storage {operation} of {key} failed: {reason}',
    description: 'The storage backend (local disk or S3) failed.',
  },
  STORAGE_KEY_INVALID: {
    status: 400,
    retryable: false,
    message: 'Storage key "{key}" is invalid: {reason}',
    description: 'A storage key is empty, absolute, or climbs out of its root with "..".',
  },
  STORAGE_KEY_NOT_OWNED: {
    status: 403,
    retryable: false,
    message: 'Storage key "{key}" is not among the files of org {org}',
    description: "A key a job was given (an asset's storage key, a music, logo or cover variable) lies outside the org's own files.",
  },
  TEMPLATE_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Template {template} does not exist or is not visible to this org',
    description: "A graph or a request names a template that is neither the org's nor public (or was deleted).",
  },
  TEMPLATE_SPEC_INVALID: {
    status: 400,
    retryable: false,
    message: 'Template {template} has an invalid spec at {path}: {reason}',
    description: 'A template spec does not match the template spec format.',
  },
  TEMPLATE_PUBLIC_READ_ONLY: {
    status: 403,
    retryable: false,
    message: "Template {template} is one of Fenta's public templates and cannot be changed or deleted; create your own from its spec",
    description: 'Public templates are readable by every org and written only by Fenta; an org changes only its own templates.',
  },
  TIMELINE_TOO_LARGE: {
    status: 422,
    retryable: false,
    message: 'The timeline exceeds the render limit on {limit}: {reason}',
    description: 'A timeline has more footage pieces, overlays, text or ffmpeg arguments than one render may have (see Limits in the README).',
  },
  TIMELINE_TOO_LONG: {
    status: 422,
    retryable: false,
    message: 'The timeline is {seconds} s long; profile {profile} takes at most {limit} s',
    description:
      "A timeline is longer than its output profile's platforms accept (9:16 profiles: 60 s, YouTube Shorts' limit); found before anything is rendered. Ask for a shorter script (target_seconds) or another profile.",
  },
  RENDER_FAILED: {
    status: 500,
    retryable: true,
    message: 'Rendering failed: {reason}',
    description: 'ffmpeg exited with an error; the job log holds the end of its output.',
  },
  JOB_CANCELLED: {
    status: 409,
    retryable: false,
    message: 'Job {job} was cancelled',
    description: 'The job was cancelled while it ran; running ffmpeg processes were stopped.',
  },
  JOB_LEASE_LOST: {
    status: 409,
    retryable: false,
    message: 'Job {job} is no longer held by this run; another run took it over',
    description: 'A run lost its lease on the job (its worker stalled past the lease); it stopped without writing, and the run that holds the job carries on.',
  },
  JOB_CRASHED_REPEATEDLY: {
    status: 500,
    retryable: false,
    message: 'Job {job} stopped its worker {times} times without finishing; it is not run again',
    description:
      'Every run of the job ended with its worker dying (killed, out of memory). The job is failed instead of being resurrected forever; see its log for the node that was running.',
  },
  QUOTA_EXCEEDED: {
    status: 402,
    retryable: false,
    message: 'Org {org} has no {resource} left in its quota for this period',
    description:
      "A limit in quota_limits is reached and overage is not allowed (or its cap is spent). At job creation the job's estimated usage is counted with what unfinished jobs have reserved; details name the exhausted resources and what the job asked for.",
  },
  JOB_ALREADY_FINISHED: {
    status: 409,
    retryable: false,
    message: 'Job {job} is already {status}',
    description: 'A job that has ended (completed, failed or cancelled) cannot be cancelled.',
  },
  JOB_NOT_RETRYABLE: {
    status: 409,
    retryable: false,
    message: 'Job {job} is {status}; only failed or cancelled jobs can be retried',
    description:
      'A retry is a new job that starts from the checkpoints of one that failed or was cancelled; a queued, running or completed job has none to retry.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    retryable: false,
    message: 'This Idempotency-Key was already used {reason}; a new request needs a new key',
    description:
      'The key was used before for another request (another method, path or body), or for a job whose stored response is no longer kept. The same request with the same key gets the first response again.',
  },
  AUTH_REQUIRED: {
    status: 401,
    retryable: false,
    message: 'This route needs an API key: send it as Authorization: Bearer <key>',
    description: 'A /v1 request came without an API key, or with an Authorization header that is not a Bearer token.',
  },
  AUTH_KEY_INVALID: {
    status: 401,
    retryable: false,
    message: 'The API key is not valid',
    description: "The key is malformed, unknown, or its holder is no longer a member of the key's org (or its org was deleted).",
  },
  AUTH_KEY_REVOKED: {
    status: 401,
    retryable: false,
    message: 'The API key {prefix}… was revoked',
    description: 'The key was revoked; create a new one (./fenta key create, or POST /v1/api-keys).',
  },
  AUTH_KEY_EXPIRED: {
    status: 401,
    retryable: false,
    message: 'The API key {prefix}… expired at {expiredAt}',
    description: 'The key is past its expiry; create a new one.',
  },
  SCOPE_MISSING: {
    status: 403,
    retryable: false,
    message: 'This request needs the scope {scope}, which the API key does not carry{reason}',
    description: "The key lacks the scope the route needs, or the holder's role in the org no longer allows it; details name the scope.",
  },
  ROLE_FORBIDDEN: {
    status: 403,
    retryable: false,
    message: 'Your role in this org ({role}) may not {action}',
    description: "The caller's org role does not allow the write (viewers read; editors write content; owners and admins manage keys and members).",
  },
  CURSOR_INVALID: {
    status: 400,
    retryable: false,
    message: 'The cursor is not one this list handed out',
    description: 'A list was asked for a page with a cursor that is malformed or belongs to another list; pass next_cursor back unchanged.',
  },
  API_KEY_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'API key {key} not found',
    description: "No API key with this id exists in the caller's org.",
  },
  ORG_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Org {org} not found',
    description: 'No org with this id (or slug) exists, or it was deleted.',
  },
  ORG_MEMBER_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: '{who} is not a member of org {org}',
    description: 'A key can only be made for a member of its org; add the user to the org first.',
  },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    message: 'Too many requests with this API key: at most {limit} a minute; try again in {seconds} s',
    description: 'The key used up its requests for the current minute (shared by every API replica); Retry-After says when to try again.',
  },
  WORKFLOW_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Workflow {workflow} not found',
    description: "No workflow with this id exists for the caller's org.",
  },
  WORKFLOW_VERSION_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Workflow {workflow} has no version {version}',
    description: 'The workflow exists but has no version with this number; versions count from 1, one per change of its graph or variables.',
  },
  WORKFLOW_STATUS_TRANSITION_INVALID: {
    status: 409,
    retryable: false,
    message: 'Workflow {workflow} cannot go from {from} to {to}; from {from} it may go to {allowed}',
    description:
      'A status change the lifecycle does not allow (draft → confirmed → preview → production → archived, with the backward moves in the README); details name from, to and the allowed statuses.',
  },
  WORKFLOW_ARCHIVED: {
    status: 409,
    retryable: false,
    message: 'Workflow {workflow} is archived; set its status to draft before changing its {field}',
    description: 'An archived workflow is read-only: restore it to draft (PATCH status "draft") before changing anything else.',
  },
  PROJECT_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Project {project} not found',
    description: "A request names a project_id that is not a project of the caller's org.",
  },
  JOB_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Job {job} not found',
    description: "No job with this id exists for the caller's org.",
  },
  ASSET_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Asset {asset} not found',
    description: "No asset with this id exists for the caller's org (or it was deleted).",
  },
  ASSET_TOO_LARGE: {
    status: 413,
    retryable: false,
    message: 'The uploaded file is larger than {limitBytes} bytes',
    description: 'An upload is larger than FENTA_ASSET_MAX_BYTES; nothing of it was kept.',
  },
  ASSET_CONTENT_TYPE_UNSUPPORTED: {
    status: 415,
    retryable: false,
    message: 'Files of type {contentType} cannot be uploaded; send one of {allowed}',
    description: "The upload's declared content type is not one of the video, audio and image types Fenta reads (the message lists them).",
  },
  ASSET_NOT_MEDIA: {
    status: 422,
    retryable: false,
    message: 'The uploaded file is not media ffprobe can read as {contentType}: {reason}',
    description: 'ffprobe could not read the upload as a video, audio or image file of the types Fenta reads; nothing of it was kept.',
  },
  ASSET_TYPE_MISMATCH: {
    status: 422,
    retryable: false,
    message: 'The uploaded file was declared {contentType} but is {actual}',
    description: 'What ffprobe found in the upload (its kind or container) contradicts its declared content type; nothing of it was kept.',
  },
  SCHEDULE_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Schedule {schedule} not found',
    description: "No schedule with this id exists for the caller's org.",
  },
  SCHEDULE_CRON_INVALID: {
    status: 400,
    retryable: false,
    message: 'Cron expression {cron} {reason}',
    description:
      "A schedule's cron expression is not five fields (minute hour day-of-month month day-of-week) or an @ alias, uses seconds or H, or names a value or date that does not exist; details.problems names body.cron.",
  },
  SCHEDULE_TIMEZONE_INVALID: {
    status: 400,
    retryable: false,
    message: 'Time zone {timezone} is not an IANA time zone (e.g. Europe/Berlin, UTC)',
    description: "A schedule's time zone is not an IANA zone name; details.problems names body.timezone.",
  },
  WEBHOOK_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Webhook {webhook} not found',
    description: "No webhook with this id exists for the caller's org.",
  },
  WEBHOOK_DISABLED: {
    status: 409,
    retryable: false,
    message: 'Webhook {webhook} is disabled: enable it first',
    description: 'A test event or a redelivery was asked of a disabled endpoint; PATCH it with enabled: true first (which clears why it was disabled).',
  },
  WEBHOOK_DELIVERY_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Delivery {delivery} of webhook {webhook} not found',
    description: "No delivery with this id exists for this webhook of the caller's org.",
  },
  WEBHOOK_DELIVERY_PENDING: {
    status: 409,
    retryable: false,
    message: 'Delivery {delivery} is still pending: it is sent again on its own schedule',
    description:
      'A redelivery was asked of a delivery that has not finished (it is still being attempted); only a delivered or given-up delivery can be sent again.',
  },
  DNS_UNAVAILABLE: {
    status: 503,
    retryable: true,
    message: 'Cannot check URL {url} now: {reason}',
    description: 'The name of a URL to check (a webhook endpoint) could not be resolved for now (the resolver timed out or failed); try again.',
  },
  SECRET_UNREADABLE: {
    status: 500,
    retryable: false,
    message: 'A stored secret cannot be opened: {reason}',
    description: 'A secret sealed at rest cannot be opened: FENTA_SECRETS_KEY is unset or is not the key it was sealed with.',
  },
  METRICS_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    message: '/metrics needs the metrics token: send it as Authorization: Bearer <FENTA_METRICS_TOKEN>',
    description: 'FENTA_METRICS_TOKEN is set and the scrape did not send it.',
  },
  RENDER_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Render {render} not found',
    description: "No render with this id exists for the caller's org.",
  },
  RENDER_FILE_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'Render {render} has no {file}',
    description: 'The render exists but this file of it is not stored (a render made before the file was kept, or one whose storage lost it).',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    retryable: false,
    message: 'Range {range} starts beyond the {size} bytes of the file',
    description: 'A download asked for a byte range the file does not have; the Content-Range header of the answer gives its size (`bytes */<size>`).',
  },
  BOARD_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    message: 'Bull Board needs a login (HTTP basic auth as {users})',
    description:
      'The queue dashboard was requested without credentials or with wrong ones. Wrong ones count towards the login throttle of the client address; a request without any does not.',
  },
  BOARD_FORBIDDEN: {
    status: 403,
    retryable: false,
    message: 'The viewer login may only look at Bull Board; {method} {url} would change the queues',
    description:
      'A read-only (`viewer`) login asked Bull Board to change something: retry, promote, clean, remove, pause, resume, add or edit jobs. Every request but GET and HEAD needs the `operator` login.',
  },
  BOARD_LOGIN_THROTTLED: {
    status: 429,
    retryable: true,
    message: 'Too many failed Bull Board logins from this address; try again in {retryAfterSeconds} s',
    description:
      'The client address had too many failed Bull Board logins within the window (see Operating in the README). Every board request from it, even with the right credentials, is refused until the window ends; `Retry-After` says when.',
  },
  REQUEST_INVALID: {
    status: 400,
    retryable: false,
    message: 'Request is invalid: {reason}',
    description:
      "A field of the request does not match the route's schema (details.problems names each path and what is wrong), or the request is refused for a reason no other code names (the message says which).",
  },
  REQUEST_BODY_MALFORMED: {
    status: 400,
    retryable: false,
    message: 'Request body cannot be read: {reason}',
    description: 'The body is not valid JSON, or its length does not match Content-Length.',
  },
  REQUEST_BODY_EMPTY: {
    status: 400,
    retryable: false,
    message: '{method} {url} needs a JSON body',
    description: 'The route takes a JSON body and the request had none.',
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    retryable: false,
    message: 'Request body is larger than {limitBytes} bytes',
    description: 'The body is larger than the route accepts.',
  },
  REQUEST_CONTENT_TYPE_UNSUPPORTED: {
    status: 415,
    retryable: false,
    message: 'Content type {contentType} is not supported; send application/json',
    description: "The body's Content-Type is missing, malformed or not one the API reads.",
  },
  REQUEST_URL_INVALID: {
    status: 400,
    retryable: false,
    message: 'URL {url} is not validly percent-encoded',
    description: 'A part of the URL path is not valid percent-encoding.',
  },
  REQUEST_URL_TOO_LONG: {
    status: 414,
    retryable: false,
    message: 'A parameter of URL {url} is longer than the API accepts',
    description: 'A URL path parameter is longer than the router accepts.',
  },
  REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    retryable: false,
    message: 'Request headers are larger than the server accepts',
    description: "The request's headers together exceed the HTTP server's limit.",
  },
  REQUEST_TIMEOUT: {
    status: 408,
    retryable: true,
    message: 'The request did not arrive in time',
    description: "The client did not send the whole request within the server's time limit.",
  },
  REQUEST_PRECONDITION_FAILED: {
    status: 412,
    retryable: false,
    message: '{resource} {id} has changed since it was read (If-Match {given}, now {current}); read it again and retry',
    description: 'The If-Match header names an ETag the resource no longer has: someone changed it in between. Nothing was written.',
  },
  NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'No route {method} {url}',
    description: 'The requested route does not exist.',
  },
  INTERNAL: {
    status: 500,
    retryable: false,
    message: 'Internal error',
    description: 'An unexpected failure; details are in the server log, never in the response.',
  },
} as const satisfies Record<string, ErrorCodeDefinition>;

/** What a code must define: an HTTP status, whether a retry may help, a message template and a description for the docs. */
export interface ErrorCodeDefinition {
  status: number;
  retryable: boolean;
  message: string;
  description: string;
}

export type ErrorCode = keyof typeof errorCodes;
