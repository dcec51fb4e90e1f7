// The desk's upload forms: the files chosen are checked against the service's limits before they
// are sent (the limits are on the form: data-max-file, data-max-total, data-max-files), so that a
// file too large is refused here in Chinese, not by the web server in English after a long upload.
// The views check the same limits again; without JavaScript the forms work as before.
(function () {
  "use strict";

  function sizeText(bytes, limit) {  // as the service says sizes (service.size_text)
    var text = bytes >= 1048576 ? Math.round(bytes / 1048576) + " MB" : Math.round(bytes / 1024) + " KB";
    if (limit !== undefined && bytes > limit && text === sizeText(limit)) {  // never 「有 50 MB，超过上限 50 MB」
      return bytes.toLocaleString("en-US") + " 字节（上限是 " + limit.toLocaleString("en-US") + " 字节）";
    }
    return text;
  }

  function refusal(form) {
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files) {
      return "";
    }
    var files = Array.prototype.slice.call(input.files);
    var maxFile = Number(form.getAttribute("data-max-file"));
    var maxTotal = Number(form.getAttribute("data-max-total"));
    var maxFiles = Number(form.getAttribute("data-max-files"));
    if (maxFiles && files.length > maxFiles) {
      return "一次最多导入 " + maxFiles + " 个文件，这次选了 " + files.length + " 个；请分几次导入";
    }
    if (!input.multiple) {
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > maxFile) {
          return "“" + files[i].name + "”有 " + sizeText(files[i].size, maxFile) + "，超过上传上限 " + sizeText(maxFile) +
            "；请上传填报工作簿本身（通常不到 1 MB）";
        }
      }
      return "";
    }
    var total = 0;
    for (var j = 0; j < files.length; j++) {
      total += files[j].size;
    }
    if (total > maxTotal) {
      return "一次导入的文件共 " + sizeText(total, maxTotal) + "，超过一次导入的上限 " + sizeText(maxTotal) +
        "；请分几次导入，每次少选几个文件";
    }
    return "";
  }

  function show(form, text) {
    var shown = form.querySelector(".upload-refused");
    if (!text) {
      if (shown) {
        shown.parentNode.removeChild(shown);
      }
      return;
    }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "message error upload-refused";
      shown.setAttribute("role", "alert");
      form.appendChild(shown);
    }
    shown.textContent = text;  // a file's name is text, never markup
  }

  function limited(target) {
    return target && target.getAttribute && target.getAttribute("data-max-total") !== null;
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (limited(form)) {
      show(form, refusal(form));
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!limited(form)) {
      return;
    }
    var text = refusal(form);
    show(form, text);
    if (text) {
      event.preventDefault();
    }
  });
})();
