// The Print button needs JavaScript, so it only appears when the script runs (no dead button).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-button");
  if (!button || typeof window.print !== "function") {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
