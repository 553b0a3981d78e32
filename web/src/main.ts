// SPDX-License-Identifier: Apache-2.0
// Entry point of the viewer UI: loads styles and starts the app.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import uPlot from "uplot";

const root = document.getElementById("app")!;
root.textContent = `FGM viewer (uPlot ${typeof uPlot})`;
