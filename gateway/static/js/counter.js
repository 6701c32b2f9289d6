// Web terminal of partner counters: scan the notice's QR code with the camera when the browser
// can (BarcodeDetector); otherwise the operator types the code or uses a barcode reader.
(function () {
  "use strict";
  var button = document.getElementById("camera-button");
  var box = document.getElementById("camera-box");
  var video = document.getElementById("camera");
  var status = document.getElementById("camera-status");
  var input = document.getElementById("code");
  var form = document.getElementById("scan-form");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.classList.remove("d-none");
  var stream = null;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
  }

  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    box.classList.remove("d-none");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      })
      .then(function () {
        status.textContent = button.getAttribute("data-scanning") || "";
        var scan = function () {
          if (!stream) { return; }
          detector.detect(video).then(function (codes) {
            if (codes.length > 0) {
              input.value = codes[0].rawValue;
              stop();
              form.submit();
            } else {
              window.setTimeout(scan, 250);
            }
          }).catch(function () { window.setTimeout(scan, 500); });
        };
        scan();
      })
      .catch(function () {
        box.classList.add("d-none");
        stop();
        input.focus();
      });
  });
  window.addEventListener("pagehide", stop);
})();
