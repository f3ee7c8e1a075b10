/* The print button of the staff page that shows a transaction's QR link. */
(function () {
  'use strict';
  var button = document.getElementById('print-receipt');
  if (button) button.addEventListener('click', function () { window.print(); });
}());
