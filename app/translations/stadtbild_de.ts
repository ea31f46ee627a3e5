<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <location filename="../analysis.py" line="87"/>
        <source>Not available in this build yet (module {m} is missing).</source>
        <translation>In dieser Version noch nicht verfügbar (Modul {m} fehlt).</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="96"/>
        <source>Building height (ridge)</source>
        <translation>Gebäudehöhe (First)</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="97"/>
        <location filename="../colour_themes.py" line="30"/>
        <source>Eave height</source>
        <translation>Traufhöhe</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="98"/>
        <source>Footprint area</source>
        <translation>Grundfläche</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="99"/>
        <source>Roof area</source>
        <translation>Dachfläche</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="100"/>
        <location filename="../colour_themes.py" line="32"/>
        <source>Volume</source>
        <translation>Volumen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="115"/>
        <source>Building metrics</source>
        <translation>Gebäudekennzahlen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="118"/>
        <source>Colours every building by a townscape metric (heights, areas, volume).</source>
        <translation>Färbt jedes Gebäude nach einer Kennzahl des Stadtbilds (Höhen, Flächen, Volumen).</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="121"/>
        <source>Metric</source>
        <translation>Kennzahl</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="154"/>
        <source>{n} buildings, mean {mean} {unit}</source>
        <translation>{n} Gebäude, Mittelwert {mean} {unit}</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="168"/>
        <source>Shadow</source>
        <translation>Schatten</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="171"/>
        <source>Shadow cast on the ground at the chosen date and local time (sun position: NREL SPA).</source>
        <translation>Schattenwurf auf den Boden zum gewählten Datum und zur Ortszeit (Sonnenstand: NREL SPA).</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="174"/>
        <location filename="../analysis.py" line="202"/>
        <location filename="../analysis.py" line="316"/>
        <source>Grid spacing [m]</source>
        <translation>Rasterweite [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="196"/>
        <source>Sun hours</source>
        <translation>Sonnenstunden</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="199"/>
        <source>Hours of direct sun on the ground over the chosen day (time steps ≤ 10 min).</source>
        <translation>Stunden direkter Sonne auf dem Boden am gewählten Tag (Zeitschritte ≤ 10 min).</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="205"/>
        <location filename="../analysis.py" line="439"/>
        <source>Time step [min]</source>
        <translation>Zeitschritt [min]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="230"/>
        <source>Sightline</source>
        <translation>Sichtachse</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="233"/>
        <source>Is the target visible from the viewpoint? Pick both points in the 3D view.</source>
        <translation>Ist das Ziel vom Standpunkt aus sichtbar? Beide Punkte in der 3D-Ansicht wählen.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="248"/>
        <location filename="../analysis.py" line="287"/>
        <source>Eye height [m]</source>
        <translation>Augenhöhe [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="254"/>
        <location filename="../analysis.py" line="302"/>
        <location filename="../analysis.py" line="336"/>
        <source>Pick viewpoint</source>
        <translation>Standpunkt wählen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="255"/>
        <location filename="../analysis.py" line="336"/>
        <source>Pick target</source>
        <translation>Ziel wählen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="305"/>
        <source>Viewshed</source>
        <translation>Sichtfeld</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="308"/>
        <source>Ground and facades visible from the viewpoint within the radius. Pick the viewpoint in the 3D view.</source>
        <translation>Boden und Fassaden, die vom Standpunkt aus im Radius sichtbar sind. Standpunkt in der 3D-Ansicht wählen.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="312"/>
        <source>Radius [m]</source>
        <translation>Radius [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="339"/>
        <source>View corridor</source>
        <translation>Sichtachse (Korridor)</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="342"/>
        <source>Protected view (Sichtachse) to a landmark: buildings rising above the sight plane are shown in red.</source>
        <translation>Geschützte Sichtachse zu einer Landmarke: Gebäude, die über die Sichtebene ragen, werden rot gezeigt.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="346"/>
        <source>Half opening angle [°]</source>
        <translation>Halber Öffnungswinkel [°]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="367"/>
        <source>Solar potential</source>
        <translation>Solarpotenzial</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="370"/>
        <source>Annual irradiation on roofs (direct + diffuse, Perez sky) and PV yield per building.</source>
        <translation>Jährliche Einstrahlung auf Dächer (direkt + diffus, Perez-Himmel) und PV-Ertrag je Gebäude.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="373"/>
        <source>Sample spacing on roofs [m]</source>
        <translation>Stichprobenabstand auf Dächern [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="393"/>
        <source>Setback areas</source>
        <translation>Abstandsflächen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="396"/>
        <source>Abstandsflächen by state building code; overlaps with neighbours are shown in red.</source>
        <translation>Abstandsflächen nach Landesbauordnung; Überschneidungen mit Nachbarn werden rot gezeigt.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="401"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="425"/>
        <source>Facade sunlight (DIN 5034-1)</source>
        <translation>Besonnung der Fassaden (DIN 5034-1)</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="428"/>
        <source>Possible sunshine at window height on every facade: ≥ 4 h on 21 March and ≥ 1 h on 17 January, sun ≥ 6° high and in front of the facade.</source>
        <translation>Mögliche Besonnungsdauer in Fensterhöhe an jeder Fassade: ≥ 4 h am 21. März und ≥ 1 h am 17. Januar, Sonnenhöhe ≥ 6°, Sonne vor der Fassade.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="432"/>
        <source>Point spacing along facades [m]</source>
        <translation>Punktabstand entlang der Fassade [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="435"/>
        <source>Storey height [m]</source>
        <translation>Geschosshöhe [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="448"/>
        <source>Compare the variant with the existing state</source>
        <translation>Variante mit dem Bestand vergleichen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="501"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="502"/>
        <source>Local time</source>
        <translation>Ortszeit</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="610"/>
        <source>Analysis</source>
        <translation>Analyse</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="611"/>
        <source>Run</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="612"/>
        <location filename="../main_window.py" line="299"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="613"/>
        <source>Clear result</source>
        <translation>Ergebnis entfernen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="28"/>
        <source>the analysis module {m} is not in this build</source>
        <translation>das Analysemodul {m} ist in dieser Version nicht enthalten</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="142"/>
        <source>Shadow on {a} m² of {g} m² open ground ({p} %); sun azimuth {az}°, elevation {el}°, {t}</source>
        <translation>Schatten auf {a} m² von {g} m² Freifläche ({p} %); Sonne Azimut {az}°, Höhe {el}°, {t}</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="146"/>
        <source>Shadow on the ground</source>
        <translation>Schatten auf dem Boden</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="147"/>
        <source>Sun</source>
        <translation>Sonne</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="177"/>
        <source>Sun hours on {d}: mean {mean} h, min {min} h, max {max} h of {pos} h possible</source>
        <translation>Sonnenstunden am {d}: Mittel {mean} h, min. {min} h, max. {max} h von {pos} h möglich</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="196"/>
        <location filename="../analysis_calls.py" line="301"/>
        <source>pick a viewpoint and a target in the 3D view first</source>
        <translation>bitte zuerst Standpunkt und Ziel in der 3D-Ansicht wählen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="229"/>
        <source>Visible: the line of {d} m is free</source>
        <translation>Sichtbar: die Sichtlinie von {d} m ist frei</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="231"/>
        <source>Blocked by {n} building(s), first after {d} m: {ids}</source>
        <translation>Verdeckt durch {n} Gebäude, das erste nach {d} m: {ids}</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="233"/>
        <source>Sightline free</source>
        <translation>Sichtlinie frei</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="234"/>
        <source>Blocked / blocking building</source>
        <translation>Verdeckt / verdeckendes Gebäude</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="241"/>
        <source>pick a viewpoint in the 3D view first</source>
        <translation>bitte zuerst einen Standpunkt in der 3D-Ansicht wählen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="286"/>
        <source>{p} % of the open ground within {r} m visible; {n} buildings visible</source>
        <translation>{p} % der Freifläche im Umkreis von {r} m sichtbar; {n} Gebäude sichtbar</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="289"/>
        <source>Visible</source>
        <translation>Sichtbar</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="289"/>
        <source>Hidden</source>
        <translation>Verdeckt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="340"/>
        <source>{n} building(s) intrude into the view corridor, up to {h} m above the sight plane ({id})</source>
        <translation>{n} Gebäude ragen in die Sichtachse, bis {h} m über die Sichtebene ({id})</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="343"/>
        <source>No building intrudes into the view corridor</source>
        <translation>Kein Gebäude ragt in die Sichtachse</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="344"/>
        <source>Intruding building</source>
        <translation>Störendes Gebäude</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="345"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="377"/>
        <source>{n} roof surfaces, mean {mean} kWh/m²·a, PV yield {total} MWh/a on {area} m² suitable</source>
        <translation>{n} Dachflächen, Mittel {mean} kWh/m²·a, PV-Ertrag {total} MWh/a auf {area} m² geeigneter Fläche</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="380"/>
        <source>Annual irradiation</source>
        <translation>Jährliche Einstrahlung</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="415"/>
        <source>Both days met (≥ 4 h equinox, ≥ 1 h 17 Jan)</source>
        <translation>Beide Tage erfüllt (≥ 4 h 21.03., ≥ 1 h 17.01.)</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="416"/>
        <source>Equinox only</source>
        <translation>Nur Tag-und-Nachtgleiche</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="417"/>
        <source>Not met</source>
        <translation>Nicht erfüllt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="418"/>
        <source>Lost through the variant</source>
        <translation>Durch die Variante verloren</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="437"/>
        <source>{both} of {n} facade points meet DIN 5034-1 on both days, {eq} at the equinox</source>
        <translation>{both} von {n} Fassadenpunkten erfüllen DIN 5034-1 an beiden Tagen, {eq} zur Tag-und-Nachtgleiche</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="442"/>
        <source>{p} points on {b} buildings lose compliance in the variant</source>
        <translation>{p} Punkte an {b} Gebäuden verlieren die Besonnung durch die Variante</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="445"/>
        <source>Sunlight (DIN 5034-1)</source>
        <translation>Besonnung (DIN 5034-1)</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="471"/>
        <source>Facade check points</source>
        <translation>Fassadenpunkte</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="472"/>
        <source>Meeting both days</source>
        <translation>Beide Tage erfüllt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="473"/>
        <source>Meeting the equinox</source>
        <translation>Tag-und-Nachtgleiche erfüllt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="474"/>
        <source>Best point, equinox [h]</source>
        <translation>Bester Punkt, 21.03. [h]</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="475"/>
        <source>Best point, 17 January [h]</source>
        <translation>Bester Punkt, 17.01. [h]</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="477"/>
        <source>Points losing compliance</source>
        <translation>Punkte, die die Besonnung verlieren</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="552"/>
        <source>{rule}: {walls} outer walls, {bad} with conflicts ({n} buildings)</source>
        <translation>{rule}: {walls} Außenwände, {bad} mit Konflikten ({n} Gebäude)</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="554"/>
        <source>Setback area kept</source>
        <translation>Abstandsfläche eingehalten</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="555"/>
        <source>Overlap / conflict</source>
        <translation>Überschneidung / Konflikt</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="59"/>
        <source>Height (highest − lowest point) [m]</source>
        <translation>Höhe (höchster − tiefster Punkt) [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="60"/>
        <source>Lowest point [m]</source>
        <translation>Tiefster Punkt [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="61"/>
        <source>Highest point [m]</source>
        <translation>Höchster Punkt [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="62"/>
        <location filename="../project_io.py" line="45"/>
        <source>Footprint area [m²]</source>
        <translation>Grundfläche [m²]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="63"/>
        <source>Roof area [m²]</source>
        <translation>Dachfläche [m²]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="64"/>
        <source>Wall area [m²]</source>
        <translation>Wandfläche [m²]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="65"/>
        <source>Ground height [m]</source>
        <translation>Geländehöhe [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="66"/>
        <source>Eave height [m]</source>
        <translation>Traufhöhe [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="67"/>
        <source>Ridge height [m]</source>
        <translation>Firsthöhe [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="68"/>
        <location filename="../project_io.py" line="47"/>
        <source>Volume [m³]</source>
        <translation>Volumen [m³]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="69"/>
        <location filename="../colour_themes.py" line="33"/>
        <source>Roof type</source>
        <translation>Dachform</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="104"/>
        <source>Attributes</source>
        <translation>Attribute</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="105"/>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="105"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="109"/>
        <location filename="../attributes.py" line="121"/>
        <source>No object selected. Click a building in the 3D view.</source>
        <translation>Kein Objekt ausgewählt. Klicken Sie ein Gebäude in der 3D-Ansicht an.</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="124"/>
        <location filename="../search.py" line="89"/>
        <location filename="../search.py" line="98"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="124"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="126"/>
        <source>Part of</source>
        <translation>Teil von</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="128"/>
        <source>Parts</source>
        <translation>Teile</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="131"/>
        <source>LoD</source>
        <translation>LoD</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="133"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="165"/>
        <source>{n} objects selected (showing the last one clicked)</source>
        <translation>{n} Objekte ausgewählt (gezeigt: das zuletzt angeklickte)</translation>
    </message>
    <message>
        <location filename="../commands.py" line="35"/>
        <source>Demolish {id}</source>
        <translation>Abriss {id}</translation>
    </message>
    <message>
        <location filename="../commands.py" line="36"/>
        <source>Demolish {n} buildings</source>
        <translation>Abriss von {n} Gebäuden</translation>
    </message>
    <message>
        <location filename="../commands.py" line="42"/>
        <location filename="../main_window.py" line="773"/>
        <source>Set height of {id} to {h} m</source>
        <translation>Höhe von {id} auf {h} m setzen</translation>
    </message>
    <message>
        <location filename="../commands.py" line="47"/>
        <source>Move {n} object(s)</source>
        <translation>{n} Objekt(e) verschieben</translation>
    </message>
    <message>
        <location filename="../layers.py" line="51"/>
        <source>Layers</source>
        <translation>Ebenen</translation>
    </message>
    <message>
        <location filename="../layers.py" line="52"/>
        <location filename="../main_window.py" line="837"/>
        <source>Layer</source>
        <translation>Ebene</translation>
    </message>
    <message>
        <location filename="../layers.py" line="52"/>
        <source>Colour</source>
        <translation>Farbe</translation>
    </message>
    <message>
        <location filename="../layers.py" line="52"/>
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <location filename="../layers.py" line="54"/>
        <location filename="../layers.py" line="66"/>
        <source>City model</source>
        <translation>Stadtmodell</translation>
    </message>
    <message>
        <location filename="../layers.py" line="56"/>
        <location filename="../layers.py" line="94"/>
        <source>Ground plane</source>
        <translation>Geländeebene</translation>
    </message>
    <message>
        <location filename="../layers.py" line="79"/>
        <source>Click: choose a colour; right click: semantic colours (roof, wall, ground)</source>
        <translation>Klick: Farbe wählen; Rechtsklick: Flächenfarben (Dach, Wand, Boden)</translation>
    </message>
    <message>
        <location filename="../layers.py" line="105"/>
        <source>2D layer: {name}</source>
        <translation>2D-Ebene: {name}</translation>
    </message>
    <message>
        <location filename="../layers.py" line="133"/>
        <source>Colour of {type}</source>
        <translation>Farbe von {type}</translation>
    </message>
    <message>
        <location filename="../legend.py" line="75"/>
        <source>Legend</source>
        <translation>Legende</translation>
    </message>
    <message>
        <location filename="../legend.py" line="117"/>
        <source>Surfaces</source>
        <translation>Flächen</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="52"/>
        <source>New building from the drawn footprint</source>
        <translation>Neues Gebäude aus dem gezeichneten Grundriss</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="53"/>
        <source>Eave height above ground</source>
        <translation>Traufhöhe über Gelände</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="55"/>
        <source>flat</source>
        <translation>Flachdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="55"/>
        <source>gable</source>
        <translation>Satteldach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="55"/>
        <source>hip</source>
        <translation>Walmdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="55"/>
        <source>shed</source>
        <translation>Pultdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="55"/>
        <source>pyramid</source>
        <translation>Zeltdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="58"/>
        <location filename="../legend.py" line="118"/>
        <source>Roof</source>
        <translation>Dach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="59"/>
        <source>Roof height</source>
        <translation>Dachhöhe</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="64"/>
        <source>Set building height</source>
        <translation>Gebäudehöhe festlegen</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="65"/>
        <source>New height (highest − lowest point)</source>
        <translation>Neue Höhe (höchster − tiefster Punkt)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="75"/>
        <source>Place the design</source>
        <translation>Entwurf platzieren</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="77"/>
        <source>Automatic (file origin; lowest point if centred)</source>
        <translation>Automatisch (Ursprung; tiefster Punkt, wenn zentriert)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="78"/>
        <source>The file&apos;s origin (0, 0, 0)</source>
        <translation>Ursprung der Datei (0, 0, 0)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="79"/>
        <source>Centre of the design&apos;s base</source>
        <translation>Mitte der Entwurfsgrundfläche</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="80"/>
        <source>Where the file is georeferenced (ignore the click)</source>
        <translation>Georeferenzierte Lage aus der Datei (Klick ignorieren)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="83"/>
        <source>Clicked point takes</source>
        <translation>Der geklickte Punkt ist</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="84"/>
        <source>Rotation (counter-clockwise)</source>
        <translation>Drehung (gegen den Uhrzeigersinn)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="85"/>
        <source>Scale</source>
        <translation>Maßstab</translation>
    </message>
    <message>
        <location filename="../legend.py" line="118"/>
        <source>Wall</source>
        <translation>Wand</translation>
    </message>
    <message>
        <location filename="../legend.py" line="119"/>
        <source>Ground surface</source>
        <translation>Bodenfläche</translation>
    </message>
    <message>
        <location filename="../legend.py" line="119"/>
        <source>Selected</source>
        <translation>Ausgewählt</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="39"/>
        <source>City models (*.json *.city.json *.jsonl *.city.jsonl *.gml *.xml *.citygml);;All files (*)</source>
        <translation>Stadtmodelle (*.json *.city.json *.jsonl *.city.jsonl *.gml *.xml *.citygml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="261"/>
        <source>&amp;Open…</source>
        <translation>&amp;Öffnen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="261"/>
        <source>Open &amp;folder of tiles…</source>
        <translation>&amp;Ordner mit Kacheln öffnen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="261"/>
        <source>Open &amp;demo district</source>
        <translation>&amp;Demo-Stadtteil öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="262"/>
        <source>Open &amp;city (large folder of tiles)…</source>
        <translation>&amp;Stadt öffnen (großer Ordner mit Kacheln)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="263"/>
        <source>Save &amp;image of the view…</source>
        <translation>&amp;Bild der Ansicht speichern…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="263"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="263"/>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="264"/>
        <source>&amp;Demolish selected</source>
        <translation>Auswahl &amp;abreißen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="264"/>
        <source>Clear selection</source>
        <translation>Auswahl aufheben</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="265"/>
        <source>Load &amp;variant (scenario)…</source>
        <translation>&amp;Variante (Szenario) laden…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="265"/>
        <source>Save variant (scenario)…</source>
        <translation>Variante (Szenario) speichern…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>Isometric view</source>
        <translation>Isometrische Ansicht</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>Top view</source>
        <translation>Draufsicht</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>Front view (looking north)</source>
        <translation>Vorderansicht (Blick nach Norden)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>North up</source>
        <translation>Norden oben</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>Zoom to selection</source>
        <translation>Auf Auswahl zoomen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>Zoom to all</source>
        <translation>Alles zeigen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="268"/>
        <location filename="../main_window.py" line="279"/>
        <source>Select</source>
        <translation>Auswählen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="268"/>
        <source>Box select</source>
        <translation>Rechteckauswahl</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="268"/>
        <source>Measure distance</source>
        <translation>Strecke messen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="269"/>
        <source>Measure height above ground</source>
        <translation>Höhe über Grund messen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="269"/>
        <source>Walk (eye height 1.6 m)</source>
        <translation>Begehen (Augenhöhe 1,6 m)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="270"/>
        <source>Measure the area of a surface</source>
        <translation>Fläche einer Oberfläche messen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="271"/>
        <source>Clear measurements</source>
        <translation>Messungen löschen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="271"/>
        <location filename="../main_window.py" line="948"/>
        <source>About Stadtbild</source>
        <translation>Über Stadtbild</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="272"/>
        <source>Set &amp;height of selected…</source>
        <translation>&amp;Höhe der Auswahl festlegen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="272"/>
        <source>Draw footprint and e&amp;xtrude</source>
        <translation>Grundriss zeichnen und e&amp;xtrudieren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="273"/>
        <source>&amp;Insert design (file) at a point…</source>
        <translation>Entwurf (Datei) an einem Punkt &amp;einfügen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="273"/>
        <source>Add 2D &amp;layer (GeoJSON, GPKG, SHP)…</source>
        <translation>2D-&amp;Ebene hinzufügen (GeoJSON, GPKG, SHP)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="278"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="278"/>
        <source>Iso</source>
        <translation>Iso</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="278"/>
        <source>Top</source>
        <translation>Oben</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="278"/>
        <source>Front</source>
        <translation>Vorne</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="279"/>
        <source>North</source>
        <translation>Nord</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="279"/>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="280"/>
        <source>Box</source>
        <translation>Rechteck</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="280"/>
        <source>Distance</source>
        <translation>Strecke</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="280"/>
        <source>Height</source>
        <translation>Höhe</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="281"/>
        <source>Area</source>
        <translation>Fläche</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="282"/>
        <source>Walk</source>
        <translation>Begehen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="282"/>
        <source>Demolish</source>
        <translation>Abreißen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="282"/>
        <source>Extrude</source>
        <translation>Extrudieren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="289"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="290"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="292"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="292"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="292"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="292"/>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="293"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="293"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="296"/>
        <source>Recent files</source>
        <translation>Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="297"/>
        <source>Panels</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="298"/>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="310"/>
        <source>Open a city model: File ▸ Open, or drop files here</source>
        <translation>Stadtmodell öffnen: Datei ▸ Öffnen, oder Dateien hierher ziehen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="324"/>
        <source>Open city model(s)</source>
        <translation>Stadtmodell(e) öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="329"/>
        <source>Open a folder of tiles</source>
        <translation>Ordner mit Kacheln öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="342"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="346"/>
        <source>Clear list</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="378"/>
        <source>Loading {name} …</source>
        <translation>Lade {name} …</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="379"/>
        <location filename="../project_io.py" line="316"/>
        <source>Loading</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="393"/>
        <source>Loading cancelled</source>
        <translation>Laden abgebrochen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="407"/>
        <source>{file}: nothing to show: the model has no surface geometry</source>
        <translation>{file}: nichts darzustellen: das Modell hat keine Flächengeometrie</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="439"/>
        <source>unknown CRS</source>
        <translation>unbekanntes Koordinatensystem</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="441"/>
        <source>{n} objects, {t} triangles, {crs} – first frame after {s} s</source>
        <translation>{n} Objekte, {t} Dreiecke, {crs} – erstes Bild nach {s} s</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="470"/>
        <source>Metrics</source>
        <translation>Kennzahlen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="477"/>
        <source>Stadtbild – error</source>
        <translation>Stadtbild – Fehler</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="480"/>
        <source>Copy log</source>
        <translation>Log kopieren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="481"/>
        <source>Copy this message and the end of the log file, e.g. for a support request</source>
        <translation>Diese Meldung und das Ende der Protokolldatei kopieren, z. B. für eine Supportanfrage</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="553"/>
        <source>{n} selected</source>
        <translation>{n} ausgewählt</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="562"/>
        <source>{h} m above ground</source>
        <translation>{h} m über Grund</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="572"/>
        <location filename="../main_window.py" line="762"/>
        <source>Select buildings first (click in the 3D view)</source>
        <translation>Erst Gebäude auswählen (Klick in die 3D-Ansicht)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="612"/>
        <source>Load variant</source>
        <translation>Variante laden</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="612"/>
        <source>Scenarios (*.scenario.json *.json)</source>
        <translation>Szenarien (*.scenario.json *.json)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="630"/>
        <source>Save variant</source>
        <translation>Variante speichern</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="631"/>
        <source>Scenarios (*.scenario.json)</source>
        <translation>Szenarien (*.scenario.json)</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="24"/>
        <source>Stadtbild – replace file?</source>
        <translation>Stadtbild – Datei ersetzen?</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="25"/>
        <source>{file} already exists. Replace it?</source>
        <translation>{file} existiert bereits. Ersetzen?</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="34"/>
        <location filename="../export_dialog.py" line="53"/>
        <location filename="../export_dialog.py" line="101"/>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="36"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="38"/>
        <source>Public export: leave out internal attributes (owners, addresses, parcels)</source>
        <translation>Öffentlicher Export: interne Attribute weglassen (Eigentümer, Adressen, Flurstücke)</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="46"/>
        <source>File (the format follows the name ending):</source>
        <translation>Datei (das Format ergibt sich aus der Endung):</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="73"/>
        <location filename="../main_window.py" line="634"/>
        <location filename="../project_io.py" line="252"/>
        <source>{file}: refusing to overwrite an input file</source>
        <translation>{file}: eine Eingabedatei wird nicht überschrieben</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="98"/>
        <source>Exported {n} objects to {file}</source>
        <translation>{n} Objekte nach {file} exportiert</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="107"/>
        <location filename="../main_window.py" line="647"/>
        <location filename="../main_window.py" line="828"/>
        <location filename="../project_io.py" line="255"/>
        <location filename="../project_io.py" line="379"/>
        <source>Open a city model first</source>
        <translation>Bitte zuerst ein Stadtmodell öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="655"/>
        <source>Running {name} …</source>
        <translation>{name} läuft …</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="668"/>
        <source>The model changed while the analysis ran; run it again.</source>
        <translation>Das Modell hat sich während der Analyse geändert; bitte erneut starten.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="687"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="712"/>
        <source>Sun: azimuth {az}°, elevation {el}° ({tz}, {utc} UTC)</source>
        <translation>Sonne: Azimut {az}°, Höhe {el}° ({tz}, {utc} UTC)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="751"/>
        <source>New building {id}</source>
        <translation>Neues Gebäude {id}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="780"/>
        <source>Insert design</source>
        <translation>Entwurf einfügen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="781"/>
        <source>Designs (*.glb *.gltf *.obj *.stl *.ifc *.json *.gml);;All files (*)</source>
        <translation>Entwürfe (*.glb *.gltf *.obj *.stl *.ifc *.json *.gml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="807"/>
        <source>Insert {name}</source>
        <translation>{name} einfügen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="816"/>
        <source>Click the insertion point in the 3D view</source>
        <translation>Einfügepunkt in der 3D-Ansicht anklicken</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="819"/>
        <source>Add 2D layer</source>
        <translation>2D-Ebene hinzufügen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="820"/>
        <source>GIS layers (*.geojson *.json *.gpkg *.shp);;All files (*)</source>
        <translation>GIS-Ebenen (*.geojson *.json *.gpkg *.shp);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="860"/>
        <source>Click a point in the 3D view</source>
        <translation>Einen Punkt in der 3D-Ansicht anklicken</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="933"/>
        <source>Save image of the view</source>
        <translation>Bild der Ansicht speichern</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="949"/>
        <source>&lt;b&gt;Stadtbild&lt;/b&gt; {v}&lt;br&gt;3D city-model viewer and planning tool.&lt;br&gt;Licence: GPL-3.0-or-later. Works fully offline.</source>
        <translation>&lt;b&gt;Stadtbild&lt;/b&gt; {v}&lt;br&gt;3D-Stadtmodell-Betrachter und Planungswerkzeug.&lt;br&gt;Lizenz: GPL-3.0-or-later. Arbeitet vollständig offline.</translation>
    </message>
    <message>
        <location filename="../search.py" line="84"/>
        <location filename="../search.py" line="86"/>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <location filename="../search.py" line="85"/>
        <source>id or value, e.g. 1931 or &gt;20</source>
        <translation>ID oder Wert, z. B. 1931 oder &gt;20</translation>
    </message>
    <message>
        <location filename="../search.py" line="87"/>
        <source>Select all results</source>
        <translation>Alle Treffer auswählen</translation>
    </message>
    <message>
        <location filename="../search.py" line="90"/>
        <location filename="../search.py" line="99"/>
        <source>All attributes</source>
        <translation>Alle Attribute</translation>
    </message>
    <message>
        <location filename="../search.py" line="116"/>
        <source>limit reached</source>
        <translation>Grenze erreicht</translation>
    </message>
    <message>
        <location filename="../search.py" line="117"/>
        <source>{n} found</source>
        <translation>{n} gefunden</translation>
    </message>
    <message>
        <location filename="../variants.py" line="63"/>
        <source>Variants</source>
        <translation>Varianten</translation>
    </message>
    <message>
        <location filename="../variants.py" line="64"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location filename="../variants.py" line="65"/>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <location filename="../variants.py" line="66"/>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="67"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="68"/>
        <source>Load…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="69"/>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="70"/>
        <source>Compare…</source>
        <translation>Vergleichen…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="71"/>
        <source>Compare: show removed buildings as ghosts</source>
        <translation>Vergleich: entfernte Gebäude transparent zeigen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="72"/>
        <source>Edit history</source>
        <translation>Bearbeitungsverlauf</translation>
    </message>
    <message>
        <location filename="../variants.py" line="73"/>
        <source>&lt;original&gt;</source>
        <translation>&lt;Ausgangszustand&gt;</translation>
    </message>
    <message>
        <location filename="../variants.py" line="75"/>
        <location filename="../variants.py" line="87"/>
        <source>Existing</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <location filename="../variants.py" line="119"/>
        <source>{n} edits</source>
        <translation>{n} Änderungen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="126"/>
        <source>Variant {letter}</source>
        <translation>Variante {letter}</translation>
    </message>
    <message>
        <location filename="../variants.py" line="134"/>
        <source>{name} (copy)</source>
        <translation>{name} (Kopie)</translation>
    </message>
    <message>
        <location filename="../variants.py" line="140"/>
        <source>Rename variant</source>
        <translation>Variante umbenennen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="140"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../viewport.py" line="536"/>
        <source>Distance {d} m (horizontal {h} m, height difference {z} m)</source>
        <translation>Strecke {d} m (horizontal {h} m, Höhenunterschied {z} m)</translation>
    </message>
    <message>
        <location filename="../viewport.py" line="549"/>
        <source>Height above ground {h} m (absolute height {z} m)</source>
        <translation>Höhe über Grund {h} m (absolute Höhe {z} m)</translation>
    </message>
    <message>
        <location filename="../viewport.py" line="573"/>
        <source>Area {a} m² ({s}, tilt {t}°)</source>
        <translation>Fläche {a} m² ({s}, Neigung {t}°)</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="58"/>
        <source>Autosave is not possible: {folder} is not writable</source>
        <translation>Automatisches Speichern nicht möglich: {folder} ist nicht beschreibbar</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="78"/>
        <source>Stadtbild – recover unsaved work</source>
        <translation>Stadtbild – ungesicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="79"/>
        <source>Stadtbild was not closed properly. Recover {n} unsaved edit(s) of {files} (saved {when} UTC)?</source>
        <translation>Stadtbild wurde nicht ordnungsgemäß beendet. {n} ungesicherte Änderung(en) an {files} wiederherstellen (gespeichert {when} UTC)?</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="94"/>
        <source>{file}: cannot recover: the file is missing</source>
        <translation>{file}: Wiederherstellung nicht möglich: die Datei fehlt</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="117"/>
        <source>Recovered</source>
        <translation>Wiederhergestellt</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="125"/>
        <source>Recovered {n} edit(s)</source>
        <translation>{n} Änderung(en) wiederhergestellt</translation>
    </message>
    <message>
        <location filename="../city_tiles.py" line="112"/>
        <source>Open a city (folder of tiles)</source>
        <translation>Stadt öffnen (Ordner mit Kacheln)</translation>
    </message>
    <message>
        <location filename="../city_tiles.py" line="134"/>
        <source>City: {done} of {n} tiles loaded ({mb} MB meshes)</source>
        <translation>Stadt: {done} von {n} Kacheln geladen ({mb} MB Meshes)</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="27"/>
        <source>Semantic surfaces</source>
        <extracomment>menu entries: key -&gt; (label, viewer.themes theme name or None, unit, decimals)</extracomment>
        <translation>Semantische Flächen</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="28"/>
        <source>Object type</source>
        <translation>Objekttyp</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="29"/>
        <source>Building height</source>
        <translation>Gebäudehöhe</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="31"/>
        <source>Storeys (estimate)</source>
        <translation>Geschosse (geschätzt)</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="35"/>
        <source>Flat roof</source>
        <translation>Flachdach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="35"/>
        <source>Shed roof</source>
        <translation>Pultdach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="36"/>
        <source>Gable roof</source>
        <translation>Satteldach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="36"/>
        <source>Hip roof</source>
        <translation>Walmdach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="37"/>
        <source>Complex roof</source>
        <translation>Mischform</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="37"/>
        <source>No roof</source>
        <translation>kein Dach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="74"/>
        <source>Colour &amp;by</source>
        <translation>Einfärben &amp;nach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="97"/>
        <source>Computing building metrics …</source>
        <translation>Gebäudekennzahlen werden berechnet …</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="154"/>
        <source>{n} objects</source>
        <translation>{n} Objekte</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="159"/>
        <source>Roof type from the roof surfaces&apos; tilts and orientations (analysis.metrics)</source>
        <translation>Dachform aus Neigung und Ausrichtung der Dachflächen (analysis.metrics)</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="164"/>
        <source>{n} objects, mean {mean} {unit}</source>
        <translation>{n} Objekte, Mittelwert {mean} {unit}</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="167"/>
        <source>storeys estimated as eave height / 3 m</source>
        <translation>Geschosse geschätzt als Traufhöhe / 3 m</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="37"/>
        <source>Stadtbild projects (*.stadtbild)</source>
        <translation>Stadtbild-Projekte (*.stadtbild)</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="42"/>
        <source>Buildings</source>
        <extracomment>rows of the comparison: (key in compare_variants rows, label, decimals)</extracomment>
        <translation>Gebäude</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="43"/>
        <source>Demolished</source>
        <translation>Abgerissen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="44"/>
        <source>Inserted</source>
        <translation>Eingefügt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="46"/>
        <source>Gross floor area, estimate [m²]</source>
        <translation>Bruttogrundfläche, geschätzt [m²]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="48"/>
        <source>Max. height [m]</source>
        <translation>Max. Höhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="49"/>
        <source>Mean eave height [m]</source>
        <translation>Mittlere Traufhöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="50"/>
        <source>Max. eave height [m]</source>
        <translation>Max. Traufhöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="51"/>
        <source>Mean ridge height [m]</source>
        <translation>Mittlere Firsthöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="52"/>
        <source>Max. ridge height [m]</source>
        <translation>Max. Firsthöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="53"/>
        <source>Shadow on the ground [m²]</source>
        <translation>Schatten am Boden [m²]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="54"/>
        <source>Roof PV yield [MWh/a]</source>
        <translation>PV-Ertrag der Dächer [MWh/a]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="55"/>
        <source>Mean roof irradiation [kWh/m²·a]</source>
        <translation>Mittlere Einstrahlung der Dächer [kWh/m²·a]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="56"/>
        <source>Sightline: blocking buildings</source>
        <translation>Sichtachse: verdeckende Gebäude</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="57"/>
        <source>Viewshed: visible open ground [%]</source>
        <translation>Sichtfeld: sichtbare Freifläche [%]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="58"/>
        <source>View corridor: intruding buildings</source>
        <translation>Sichtachse (Korridor): störende Gebäude</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="59"/>
        <source>Facade points meeting DIN 5034-1</source>
        <translation>Fassadenpunkte mit Besonnung nach DIN 5034-1</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="60"/>
        <source>Facade points losing DIN 5034-1 sunlight</source>
        <translation>Fassadenpunkte, die die Besonnung nach DIN 5034-1 verlieren</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="184"/>
        <source>&amp;New project</source>
        <translation>&amp;Neues Projekt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="185"/>
        <source>Open &amp;project…</source>
        <translation>&amp;Projekt öffnen…</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="186"/>
        <source>&amp;Save project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="187"/>
        <source>Save project &amp;as…</source>
        <translation>Projekt speichern &amp;unter…</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="188"/>
        <source>Compare variants…</source>
        <translation>Varianten vergleichen…</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="239"/>
        <source>Save project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="263"/>
        <source>Project saved: {file}</source>
        <translation>Projekt gespeichert: {file}</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="273"/>
        <source>New project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="276"/>
        <source>Open project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="294"/>
        <source>Stadtbild – project</source>
        <translation>Stadtbild – Projekt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="295"/>
        <source>The project&apos;s source data has changed since it was saved:</source>
        <translation>Die Quelldaten des Projekts haben sich seit dem Speichern geändert:</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="301"/>
        <source>{file}: a source file of the project is missing</source>
        <translation>{file}: eine Quelldatei des Projekts fehlt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="315"/>
        <source>Opening project {name} …</source>
        <translation>Projekt {name} wird geöffnet …</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="369"/>
        <source>Project opened: {file}</source>
        <translation>Projekt geöffnet: {file}</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="396"/>
        <location filename="../project_io.py" line="411"/>
        <source>Compare variants</source>
        <translation>Varianten vergleichen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="434"/>
        <source>Gross floor area estimate = footprint × storeys, storeys = eave height / 3 m (an assumption). Analysis rows (shadow, PV, sightline …) appear when the analysis was run for the variant; the last run counts.</source>
        <translation>Bruttogrundfläche geschätzt = Grundfläche × Geschosse, Geschosse = Traufhöhe / 3 m (eine Annahme). Analysezeilen (Schatten, PV, Sichtachse …) erscheinen, wenn die Analyse für die Variante gerechnet wurde; es zählt der letzte Lauf.</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="20"/>
        <source>Jan</source>
        <translation>Jan</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="20"/>
        <source>Feb</source>
        <translation>Feb</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="20"/>
        <source>Mar</source>
        <translation>Mär</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="21"/>
        <source>Apr</source>
        <translation>Apr</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="21"/>
        <source>May</source>
        <translation>Mai</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="21"/>
        <source>Jun</source>
        <translation>Jun</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="22"/>
        <source>Jul</source>
        <translation>Jul</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="22"/>
        <source>Aug</source>
        <translation>Aug</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="22"/>
        <source>Sep</source>
        <translation>Sep</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="23"/>
        <source>Oct</source>
        <translation>Okt</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="23"/>
        <source>Nov</source>
        <translation>Nov</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="23"/>
        <source>Dec</source>
        <translation>Dez</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="27"/>
        <source>Roof surface area [m²]</source>
        <extracomment>rows shown for a clicked roof surface: (key of surface_row, label, decimals)</extracomment>
        <translation>Dachfläche [m²]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="28"/>
        <source>Tilt [°]</source>
        <translation>Neigung [°]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="29"/>
        <source>Azimuth [°] (0 = north, clockwise)</source>
        <translation>Ausrichtung [°] (0 = Nord, im Uhrzeigersinn)</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="30"/>
        <source>Irradiation [kWh/m²·a]</source>
        <translation>Einstrahlung [kWh/m²·a]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="31"/>
        <source>Shading loss [%]</source>
        <translation>Verschattungsverlust [%]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="32"/>
        <source>Suitable for PV</source>
        <translation>Für PV geeignet</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="33"/>
        <source>Suitable area [m²]</source>
        <translation>Geeignete Fläche [m²]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="34"/>
        <source>PV power [kWp]</source>
        <translation>PV-Leistung [kWp]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="35"/>
        <source>PV yield [kWh/a]</source>
        <translation>PV-Ertrag [kWh/a]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="65"/>
        <source>Monthly PV yield [kWh], total {total} kWh/a</source>
        <translation>PV-Ertrag je Monat [kWh], gesamt {total} kWh/a</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="146"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="146"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="150"/>
        <source>– (flat)</source>
        <translation>– (flach)</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="187"/>
        <source>{n} buildings</source>
        <translation>{n} Gebäude</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="188"/>
        <source>Solar potential of {id}</source>
        <translation>Solarpotenzial von {id}</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="189"/>
        <source>{area} m² roof, {suitable} m² suitable, {kwp} kWp, {kwh} kWh/a</source>
        <translation>{area} m² Dach, {suitable} m² geeignet, {kwp} kWp, {kwh} kWh/a</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="123"/>
        <source>&amp;Move/rotate buildings (drag)</source>
        <translation>&amp;Gebäude verschieben/drehen (ziehen)</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="124"/>
        <source>Move/rotate</source>
        <translation>Verschieben/Drehen</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="125"/>
        <source>Move/rotate: drag a building; Shift+drag or Alt+wheel rotates, Ctrl snaps (0.5 m / 5°), Esc cancels</source>
        <translation>Verschieben/Drehen: Gebäude ziehen; Umschalt+Ziehen oder Alt+Mausrad dreht, Strg rastet ein (0,5 m / 5°), Esc bricht ab</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="171"/>
        <source>Move/rotate {ids}: drag to move, Shift+drag or Alt+wheel to rotate, Ctrl snaps (0.5 m / 5°), Esc cancels</source>
        <translation>{ids} verschieben/drehen: ziehen verschiebt, Umschalt+Ziehen oder Alt+Mausrad dreht, Strg rastet ein (0,5 m / 5°), Esc bricht ab</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="174"/>
        <source>Move/rotate: click or drag a building</source>
        <translation>Verschieben/Drehen: Gebäude anklicken oder ziehen</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="280"/>
        <source>Offset {dx} m, {dy} m (distance {d} m) · rotation {a}°{snap}</source>
        <translation>Versatz {dx} m, {dy} m (Abstand {d} m) · Drehung {a}°{snap}</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="283"/>
        <source> · snapping</source>
        <translation> · eingerastet</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="302"/>
        <source>rotate {a}°</source>
        <translation>drehen {a}°</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="304"/>
        <source>move {d} m</source>
        <translation>verschieben {d} m</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="305"/>
        <source>{ids}: {what}</source>
        <translation>{ids}: {what}</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="319"/>
        <source>Move/rotate cancelled</source>
        <translation>Verschieben/Drehen abgebrochen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1"/>
        <source>&amp;Publish…</source>
        <translation>&amp;Veröffentlichen…</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Publish as web scene</source>
        <translation>Als Web-Szene veröffentlichen</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>e.g. dl-de/by-2-0, CC BY 4.0</source>
        <translation>z. B. dl-de/by-2-0, CC BY 4.0</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>e.g. City model: Stadt Musterstadt</source>
        <translation>z. B. Stadtmodell: Stadt Musterstadt</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Folder:</source>
        <translation>Ordner:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Data credit:</source>
        <translation>Datenquelle:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Data licence:</source>
        <translation>Lizenz der Daten:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Variants beside Bestand:</source>
        <translation>Varianten neben dem Bestand:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Internal attributes (owners, addresses, parcels, contacts) are always left out.</source>
        <translation>Interne Attribute (Eigentümer, Adressen, Flurstücke, Kontakte) werden nie veröffentlicht.</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>The model has no known CRS, so it cannot be placed on the globe</source>
        <translation>Das Modell hat kein bekanntes Koordinatensystem und lässt sich daher nicht auf dem Globus platzieren</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Published {n} buildings to {folder}</source>
        <translation>{n} Gebäude nach {folder} veröffentlicht</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>without the viewer page (web viewer not built: make web)</source>
        <translation>ohne Anzeigeseite (Web-Anzeige nicht gebaut: make web)</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="1"/>
        <source>Publish</source>
        <translation>Veröffentlichen</translation>
        <source>Shadow cast on the ground at the chosen date and local time (sun position: NREL SPA). Recomputed live while the time slider moves.</source>
        <translation>Schattenwurf auf den Boden zum gewählten Datum und zur Ortszeit (Sonnenstand: NREL SPA). Wird beim Ziehen des Zeitreglers laufend neu berechnet.</translation>
    </message>
    <message>
        <source>{when}, grid {g} m</source>
        <translation>{when}, Raster {g} m</translation>
    </message>
    <message>
        <source>{date}, grid {g} m, step {s} min</source>
        <translation>{date}, Raster {g} m, Zeitschritt {s} min</translation>
    </message>
    <message>
        <source>eye {h} m</source>
        <translation>Augenhöhe {h} m</translation>
    </message>
    <message>
        <source>default weather of the site (clear-sky model), roof samples every {g} m</source>
        <translation>Standardwetter des Standorts (Klarhimmelmodell), Dachpunkte alle {g} m</translation>
    </message>
    <message>
        <source>21 March and 17 January {y}, points every {s} m</source>
        <translation>21. März und 17. Januar {y}, Punkte alle {s} m</translation>
    </message>
    <message>
        <source>Shadow {when}</source>
        <translation>Schatten {when}</translation>
    </message>
    <message>
        <source>Sun hours {date}</source>
        <translation>Sonnenstunden {date}</translation>
    </message>
    <message>
        <source>Setback areas ({rule})</source>
        <translation>Abstandsflächen ({rule})</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Computed for other edits of this variant: run it again to see it</source>
        <translation>Für einen anderen Bearbeitungsstand dieser Variante berechnet: zum Anzeigen erneut starten</translation>
    </message>
    <message>
        <source>stale: computed before the latest edits</source>
        <translation>veraltet: vor den letzten Änderungen berechnet</translation>
    </message>
    <message>
        <source>stale: computed for {params}</source>
        <translation>veraltet: berechnet für {params}</translation>
    </message>
    <message>
        <source>Open ground of the study area [m²]</source>
        <translation>Freifläche des Untersuchungsgebiets [m²]</translation>
    </message>
    <message>
        <source>Shadow share of the open ground [%]</source>
        <translation>Schattenanteil der Freifläche [%]</translation>
    </message>
    <message>
        <source>Mean sun hours on the ground [h]</source>
        <translation>Mittlere Sonnenstunden am Boden [h]</translation>
    </message>
    <message>
        <source>Comparing variants …</source>
        <translation>Varianten werden verglichen …</translation>
    </message>
    <message>
        <source>Comparison cancelled</source>
        <translation>Vergleich abgebrochen</translation>
    </message>
    <message>
        <source>Computing {analysis} for {variant} ({k} of {n}) …</source>
        <translation>{analysis} für {variant} wird berechnet ({k} von {n}) …</translation>
    </message>
    <message>
        <source>Gross floor area estimate = footprint × storeys, storeys = eave height / 3 m (an assumption). Every analysis is compared with the same parameters for all variants (above); shadow areas are measured on one study area for all times and variants.</source>
        <translation>Bruttogrundfläche geschätzt = Grundfläche × Geschosse, Geschosse = Traufhöhe / 3 m (Annahme). Jede Analyse wird für alle Varianten mit denselben Parametern verglichen (oben); Schattenflächen werden für alle Uhrzeiten und Varianten auf demselben Untersuchungsgebiet gemessen.</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
</context>
</TS>
