/**
 * The inline script `p2pFrameTag` puts right after the frame (the gem's `p2p_frame_tag` renders
 * the same text): it opens the frame's signaling socket while the page's modules still load, to the
 * URL the frame will use, and keeps what the server sends until the frame takes it (see
 * `src/frame/EarlySocket.ts`). Where the frame's module is already loaded (a Turbo visit inserts
 * the frame and then runs the script), the frame has its socket already, and the script does
 * nothing. Anything unexpected leaves the frame to open its own socket.
 */
export const PRECONNECT_SCRIPT =
  '(function(f){try{if(customElements.get("p2p-frame"))return;var c=f.getAttribute("cable-url")||(document.querySelector("meta[name=\'action-cable-url\']")||{}).content||"/cable",' +
  'u=new URL(c,location.href);if(u.protocol=="http:")u.protocol="ws:";if(u.protocol=="https:")u.protocol="wss:";' +
  'var s=new WebSocket(u.href,["actioncable-v1-json","actioncable-unsupported"]),m=[];s.onmessage=function(e){m.push(e)};' +
  "f.p2pEarlySocket={socket:s,messages:m,url:u.href}}catch(e){}})(document.currentScript.previousElementSibling)"
