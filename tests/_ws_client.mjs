// A real WebSocket client (Node's built-in undici one): connects with a Cookie header, prints the
// first message, or the error.
const [url, cookie] = process.argv.slice(2);
const socket = new WebSocket(url, { headers: { cookie } });
const timer = setTimeout(() => {
  console.log("ERROR timeout");
  process.exit(1);
}, 10000);
socket.onmessage = (event) => {
  console.log("MESSAGE " + event.data);
  clearTimeout(timer);
  socket.close();
};
socket.onerror = (event) => {
  console.log("ERROR " + (event.message ?? "error"));
  process.exit(1);
};
