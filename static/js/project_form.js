// The proposal form: live total of the investment parts and "add a data resource row".
(function () {
  "use strict";
  const parts = ["hardware", "software", "services", "security", "crypto", "other"]
    .map(function (name) { return document.getElementById("id_invest_" + name); })
    .filter(Boolean);
  const totalOut = document.getElementById("total-wan");

  function total() {
    const sum = parts.reduce(function (acc, el) { return acc + (parseFloat(el.value) || 0); }, 0);
    totalOut.textContent = sum.toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 6});
  }
  if (totalOut) {
    parts.forEach(function (el) { el.addEventListener("input", total); });
    total();
  }

  const totalForms = document.getElementById("id_data-TOTAL_FORMS");
  const addRow = document.getElementById("add-data-row");
  if (addRow && totalForms) {
    addRow.addEventListener("click", function () {
      const html = document.getElementById("data-row-template").innerHTML.replace(/__prefix__/g, totalForms.value);
      document.querySelector("#data-rows tbody").insertAdjacentHTML("beforeend", html);
      totalForms.value = parseInt(totalForms.value, 10) + 1;
    });
  }
})();
