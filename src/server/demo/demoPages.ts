import { importmapTag } from "../http/ClientAssets.js"
import { escapeAttribute as escape } from "../p2pFrameTag.js"

const STYLE = `
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f3f5f9; }
  * { box-sizing: border-box; }
  body { max-width: 880px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
  h1 small { color: #6b7385; font-weight: normal; }
  .card { background: #fff; border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 1rem 1.25rem; }
  form.join { display: flex; flex-wrap: wrap; gap: .5rem; }
  input[type=text] { flex: 1; min-width: 0; padding: .55rem .7rem; border: 1px solid #cfd5e1; border-radius: 6px; font-size: 1rem; }
  input[type=submit] { padding: .55rem 1.1rem; border: 0; border-radius: 6px; background: #3656d6; color: #fff; font-size: 1rem; cursor: pointer; }
  input[type=submit]:disabled { background: #9aa6cf; cursor: default; }
  .error { color: #b3261e; overflow-wrap: anywhere; }
  .error:empty { display: none; }
  .invite { font-size: .9rem; color: #6b7385; overflow-wrap: anywhere; }
  p2p-frame { display: block; }
  .room { display: grid; grid-template-columns: minmax(0, 1fr) 240px; gap: 1rem; }
  @media (max-width: 600px) {
    body { margin: 1rem auto; padding: 0 .6rem; }
    .room { grid-template-columns: minmax(0, 1fr); }
    .messages { min-height: 180px; }
  }
  .messages { min-height: 260px; max-height: 60vh; overflow-y: auto; margin-bottom: .75rem; overflow-wrap: anywhere; }
  .messages div { padding: .25rem 0; border-bottom: 1px solid #eef0f5; }
  .messages div.event { color: #6b7385; font-style: italic; }
  .messagebox { display: flex; flex-wrap: wrap; gap: .5rem; }
  .messagebox.not-available { opacity: .5; pointer-events: none; }
  .status { list-style: none; margin: 0; padding: 0; }
  .status li { padding: .2rem 0; overflow-wrap: anywhere; }
  .status li[data-host]::after { content: "host"; margin-left: .4rem; padding: 0 .35rem; border-radius: 4px; background: #e4e9fb; color: #3656d6; font-size: .75rem; }
  .status li[data-state=connected]::before { content: "●"; color: #2e9d50; margin-right: .4rem; }
  .status li[data-state=connecting]::before, .status li[data-state=negotiating]::before { content: "●"; color: #d4a017; margin-right: .4rem; }
  .status li[data-state=disconnected]::before { content: "●"; color: #b3261e; margin-right: .4rem; }
  .state { font-size: .9rem; color: #6b7385; margin: 0 0 .75rem; }
  .messagebox select { max-width: 8rem; border: 1px solid #cfd5e1; border-radius: 6px; background: #fff; }
  .attach { padding: .55rem .8rem; border-radius: 6px; background: #e4e9fb; color: #3656d6; cursor: pointer; }
  .attach input { display: none; }
  section.dropping { outline: 2px dashed #3656d6; }
  .messages div.direct { color: #6a3fb5; }
  .messages div.file progress { width: 8rem; margin: 0 .5rem; vertical-align: middle; }
  .messages div.file button { border: 0; background: none; color: #b3261e; cursor: pointer; }
  .media { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .75rem; }
  .media button { padding: .4rem .8rem; border: 1px solid #cfd5e1; border-radius: 6px; background: #fff; cursor: pointer; }
  .media button[aria-pressed=true] { background: #3656d6; border-color: #3656d6; color: #fff; }
  .videos { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: .5rem; margin-top: .75rem; }
  .videos:empty { display: none; }
  .videos figure { margin: 0; position: relative; background: #1d2330; border-radius: 8px; overflow: hidden; aspect-ratio: 4 / 3; }
  .videos video { width: 100%; height: 100%; object-fit: cover; display: block; }
  .videos figcaption { position: absolute; left: .4rem; bottom: .3rem; color: #fff; font-size: .8rem; text-shadow: 0 1px 2px #000; }
`

function layout(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
${head}
</head>
<body>
${body}
</body>
</html>
`
}

/** The demo's first page: a name and a room (prefilled from `?room=`, as an invite link carries it). */
export function indexPage(options: { error?: string; room?: string } = {}): string {
  const room = options.room ?? "chat"
  return layout(
    "p2p-streams-channel demo",
    `<h1>P2p#chat <small>p2p-streams-channel demo room</small></h1>
<div class="card">
  <form class="join" action="/room_chat" method="get">
    <input type="text" name="name" placeholder="name" aria-label="your name" autocomplete="off" autofocus required>
    <input type="text" name="room" placeholder="room" aria-label="room" value="${escape(room)}" autocomplete="off" required>
    <input type="submit" value="join">
  </form>
  ${options.error ? `<p class="error">${escape(options.error)}</p>` : "<p>Open this page in a few tabs with different names. The first to join a room is its host.</p>"}
</div>`,
  )
}

/** The room page: the seed dummy app's chat, inside a `<p2p-frame>`. */
export function roomPage(name: string, room: string, frameTag: (content: string) => string): string {
  const invite = `/?room=${encodeURIComponent(room)}`
  const content = `
  <div data-controller="chat" class="room">
    <section class="card" data-action="dragover->chat#dragOver dragleave->chat#dragLeave drop->chat#drop">
      <p class="state" data-chat-target="state">starting…</p>
      <p class="error" data-chat-target="error"></p>
      <div class="messages" data-chat-target="messages"></div>
      <div class="messagebox not-available" data-chat-target="messagebox">
        <select data-chat-target="recipient" aria-label="to"><option value="">everyone</option></select>
        <input type="text" data-chat-target="message" placeholder="message" data-action="keydown.enter->chat#send">
        <input type="submit" value="send" data-action="chat#send">
        <label class="attach" title="send a file (or drop one here)">file<input type="file" data-chat-target="file" data-action="change->chat#attach" multiple></label>
      </div>
      <div class="media">
        <button type="button" data-chat-target="cameraButton" data-action="chat#toggleCamera">camera</button>
        <button type="button" data-chat-target="microphoneButton" data-action="chat#toggleMicrophone">microphone</button>
        <button type="button" data-chat-target="screenButton" data-action="chat#toggleScreen">share screen</button>
      </div>
      <div class="videos" data-chat-target="videos"></div>
    </section>
    <aside class="card">
      <strong>Peers</strong>
      <ul class="status" data-chat-target="status"></ul>
      <p class="invite">Invite others to ${escape(room)}: <a data-chat-target="invite" href="${escape(invite)}">${escape(invite)}</a></p>
    </aside>
  </div>`
  return layout(
    `P2p#chat@${name}`,
    `<h1>P2p#chat@${escape(name)}</h1>\n${frameTag(content)}`,
    `${importmapTag()}\n<script type="module" src="/p2p/demo/application.js"></script>`,
  )
}
