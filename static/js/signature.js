// A signature pad: the client signs with a finger (or a mouse) in the canvas; on submit the
// drawing goes into the form's hidden `signature` input as a PNG data URL. No library, no inline
// script (CSP script-src 'self').
(function () {
  "use strict";

  function setUp(form) {
    var canvas = form.querySelector("[data-signature-pad]");
    var input = form.querySelector("input[name='signature']");
    var clear = form.querySelector("[data-signature-clear]");
    if (!canvas || !input) return;
    var context = canvas.getContext("2d");
    var drawing = false;
    var inked = false;
    var last = null;

    function resize() {
      // Draw at the screen's resolution: the canvas's pixels follow its size on the page.
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      if (!rect.width) return;
      var kept = inked ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
      if (kept) {
        var image = new Image();
        image.onload = function () { context.drawImage(image, 0, 0, rect.width, rect.height); };
        image.src = kept;
      }
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
      inked = true;
    });
    function stop() { drawing = false; last = null; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        inked = false;
        input.value = "";
      });
    }

    form.addEventListener("submit", function () {
      input.value = inked ? canvas.toDataURL("image/png") : "";
    });

    resize();
    window.addEventListener("resize", resize);
  }

  function start() {
    var forms = document.querySelectorAll("form[data-signature-form]");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
